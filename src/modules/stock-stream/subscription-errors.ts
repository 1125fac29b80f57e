/** The error messages of a refused subscribe, the same wherever the socket is served (Bun's hub, the Worker's relay). */
import { MAX_SUBSCRIPTIONS, type StockErrorMessage } from "../../stock/messages.ts";

type ErrorBody = Omit<StockErrorMessage, "type">;

export const UNAVAILABLE = "The stock of the spirit cannot be read right now; try again.";

export const tooManySubscriptions = (watched: number, fresh: string[]): ErrorBody => ({
  code: "too-many-subscriptions",
  detail: `A socket watches at most ${MAX_SUBSCRIPTIONS} spirits; it watches ${watched} and asked for ${fresh.length} more. Unsubscribe first, or open another socket.`,
  limit: MAX_SUBSCRIPTIONS,
  spiritIds: fresh,
});

export const unknownSpirits = (unknown: string[]): ErrorBody => ({
  code: "unknown-spirit",
  detail: `No spirit has the id${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}; nothing was subscribed.`,
  spiritIds: unknown,
});

export const unavailable = (spiritIds: string[]): ErrorBody => ({
  code: "unavailable",
  detail: UNAVAILABLE,
  spiritIds,
});
