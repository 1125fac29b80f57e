/**
 * The messages of the stock streams (WebSockets and Server-Sent Events), as zod schemas: the server
 * validates what clients send with them, the AsyncAPI and OpenAPI documents are generated from them, and
 * the Workers Durable Object speaks the same protocol. A stock message is a stock-changed event
 * (events.ts) as a watcher sees it: the per-batch breakdown only for staff.
 */
import { z } from "@hono/zod-openapi";
import type { StockChanged } from "./events.ts";

/** A socket watches at most this many spirits (a catalog page's worth). */
export const MAX_SUBSCRIPTIONS = 100;

const SpiritIdSchema = z.string().min(1).max(100).openapi({ example: "spr_01hx5k3m2n8q7r6t5v4w3x" });

export const StockMessageLocationSchema = z
  .object({
    locationId: z.string().openapi({ example: "edinburgh" }),
    available: z.number().int().openapi({ example: 12, description: "Bottles that can be ordered now." }),
  })
  .openapi("StockMessageLocation");

export const StockMessageBatchSchema = z
  .object({
    batchId: z.string().nullable().openapi({ example: "bat_01hx5k3m2n8q7r6t5v4w3x" }),
    variantId: z.string().optional().openapi({
      example: "var_01hx4k9p3rb2d4s6u8w0yzab",
      description: "Only on a variant's stock (a sample, a gift box); absent for the spirit's standard unit.",
    }),
    locationId: z.string().openapi({ example: "edinburgh" }),
    onHand: z.number().int().openapi({ example: 14 }),
    reserved: z.number().int().openapi({ example: 2 }),
    available: z.number().int().openapi({ example: 12 }),
  })
  .openapi("StockMessageBatch", {
    description: "Staff only: one inventory level (a batch of one unit, standard or variant, at a location).",
  });

const stateFields = {
  spiritId: SpiritIdSchema,
  available: z
    .number()
    .int()
    .openapi({ example: 12, description: "Bottles that can be ordered now, everywhere." }),
  byLocation: z.array(StockMessageLocationSchema),
  byBatch: z
    .array(StockMessageBatchSchema)
    .optional()
    .openapi({ description: "Present only when the watcher authenticated as staff or admin." }),
  status: z.string().openapi({
    example: "available",
    description: "The spirit's catalog status (announced, available, sold_out, archived).",
  }),
  version: z.number().int().min(0).openapi({
    example: 42,
    description:
      "Grows with every committed change of the spirit's stock. A watcher never receives a version lower than one it already received: keep the highest and ignore anything older.",
  }),
  at: z.iso
    .datetime()
    .openapi({ example: "2026-06-01T12:00:00.000Z", description: "When the change was committed." }),
};

export const StockSnapshotMessageSchema = z
  .object({ type: z.literal("snapshot"), ...stateFields })
  .openapi("StockSnapshotMessage", {
    description:
      "The spirit's current stock: the first message of every subscription (and of a stream that resumes).",
  });

export const StockUpdateMessageSchema = z
  .object({ type: z.literal("stock"), ...stateFields })
  .openapi("StockUpdateMessage", {
    description:
      "The spirit's stock after a committed change (sale, hold, expiry, cancellation, receipt, adjustment). Under a burst, changes may be coalesced: the latest state is always delivered.",
  });

export const StockMessageSchema = z.discriminatedUnion("type", [
  StockSnapshotMessageSchema,
  StockUpdateMessageSchema,
]);

export const ERROR_CODES = [
  "invalid-message",
  "unknown-spirit",
  "too-many-subscriptions",
  "too-many-streams",
  "unavailable",
] as const;

export const StockErrorMessageSchema = z
  .object({
    type: z.literal("error"),
    code: z.enum(ERROR_CODES).openapi({ example: "invalid-message" }),
    detail: z.string().openapi({ example: "The message has 1 invalid field: spiritIds." }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "For invalid-message: each invalid field." }),
    spiritIds: z.array(z.string()).optional().openapi({ description: "The spirits the error is about." }),
    limit: z
      .number()
      .int()
      .optional()
      .openapi({ description: "For too-many-subscriptions and too-many-streams: the limit." }),
  })
  .openapi("StockErrorMessage", {
    description:
      "A message the server could not act on; the socket stays open and nothing changed. Too many invalid messages close the socket with code 1008 (policy violation).",
  });

export const StockPingMessageSchema = z.object({ type: z.literal("ping") }).openapi("StockPingMessage", {
  description:
    "An application-level keep-alive for clients that cannot send WebSocket pings (browsers); answered with a pong.",
});

export const StockPongMessageSchema = z.object({ type: z.literal("pong") }).openapi("StockPongMessage");

const spiritIdList = z
  .array(SpiritIdSchema)
  .min(1)
  .max(MAX_SUBSCRIPTIONS)
  .openapi({ description: `1 to ${MAX_SUBSCRIPTIONS} spirit ids.` });

export const StockSubscribeMessageSchema = z
  .object({ type: z.literal("subscribe"), spiritIds: spiritIdList })
  .strict()
  .openapi("StockSubscribeMessage", {
    description: `Starts watching the spirits: each new subscription begins with its snapshot. A socket watches at most ${MAX_SUBSCRIPTIONS} spirits; a subscribe that names an unknown spirit, or would go over the limit, subscribes nothing and gets an error message.`,
  });

export const StockUnsubscribeMessageSchema = z
  .object({ type: z.literal("unsubscribe"), spiritIds: spiritIdList })
  .strict()
  .openapi("StockUnsubscribeMessage", { description: "Stops watching the spirits." });

/** What a client may send on the multi-spirit socket (`/stock/ws`). */
export const StockClientMessageSchema = z.discriminatedUnion("type", [
  StockSubscribeMessageSchema,
  StockUnsubscribeMessageSchema,
  StockPingMessageSchema,
]);

export type StockMessage = z.infer<typeof StockMessageSchema>;
export type StockErrorMessage = z.infer<typeof StockErrorMessageSchema>;
export type StockClientMessage = z.infer<typeof StockClientMessageSchema>;
export type Audience = "public" | "staff";

/** The event as the audience sees it: the per-batch breakdown is for staff only. */
export function stockMessage(
  event: StockChanged,
  type: StockMessage["type"],
  audience: Audience,
): StockMessage {
  const message: StockMessage = {
    type,
    spiritId: event.spiritId,
    available: event.available,
    byLocation: event.byLocation,
    status: event.status,
    version: event.version,
    at: event.at,
  };
  if (audience === "staff") message.byBatch = event.byBatch;
  return message;
}

export const PONG_TEXT = JSON.stringify({ type: "pong" } satisfies z.infer<typeof StockPongMessageSchema>);

export function errorText(message: Omit<StockErrorMessage, "type">): string {
  return JSON.stringify({ type: "error", ...message } satisfies StockErrorMessage);
}
