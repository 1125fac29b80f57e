import type { Deps } from "../../deps.ts";
import type { Principal } from "../../http/auth.ts";
import type { OrdersPorts } from "./orders.ports.ts";

/** What every orders operation takes: the runtime's parts, the other modules' ports, and its own state. */
export type OrdersContext = {
  deps: Deps;
  ports: OrdersPorts;
  preorders: {
    /** Per spirit, the stock version at the last automatic pre-order release that left some waiting. */
    triedAt: Map<string, number>;
    /** Per spirit, the release running now (buyers arriving together share it). */
    running: Map<string, Promise<unknown>>;
  };
};

export type Actor = Pick<Principal, "id" | "role">;

export const DEFAULT_HOLD_MINUTES = 15;

/** The context's clock now, as the ISO-8601 UTC string the rows store. */
export const nowIso = (ctx: OrdersContext) => ctx.deps.clock.now().toISOString();
