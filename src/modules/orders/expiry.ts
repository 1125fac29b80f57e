import { spiritsWithWaitingClaims } from "../../stock/order-stock.ts";
import { expiredOrderEvents } from "./order-events.ts";
import { ORDER_TRANSITIONS } from "./order-lifecycle.ts";
import type { OrdersContext } from "./orders.context.ts";
import { isReleased } from "./orders.ports.ts";
import { releaseDuePreorders } from "./preorders.ts";

/** Writes down orders whose holds lapsed (readers already see them as expired): the table's `expire`. */
async function markExpiredOrders({ deps }: OrdersContext): Promise<number> {
  const now = deps.clock.now().toISOString();
  const { from, to } = ORDER_TRANSITIONS.expire;
  const [, , updated] = await deps.client.batch(
    [
      {
        sql: `INSERT INTO order_status_history (order_id, status, actor_id, note, at)
              SELECT id, ?, NULL, 'hold expired', expires_at FROM orders
              WHERE status = ? AND expires_at <= ? ORDER BY expires_at`,
        args: [to, from[0], now],
      },
      expiredOrderEvents(from[0], now),
      {
        sql: "UPDATE orders SET status = ?, updated_at = ? WHERE status = ? AND expires_at <= ?",
        args: [to, now, from[0], now],
      },
    ],
    "write",
  );
  return updated?.rowsAffected ?? 0;
}

/** The reaper's work: lapsed holds go back on sale, their orders expire, due pre-orders are released. */
export async function expireDue(ctx: OrdersContext) {
  const released = await ctx.deps.stock.expireDue();
  const expiredOrders = await markExpiredOrders(ctx);
  const converted = await releaseDuePreorders(ctx);
  return { released, expiredOrders, converted };
}

/** When the reaper next has work: the next hold to lapse, or the next release of a pre-ordered spirit. */
export async function nextDueAt(ctx: OrdersContext): Promise<string | null> {
  const { deps, ports } = ctx;
  const due: string[] = [];
  const next = await deps.stock.nextExpiry();
  if (next) due.push(next);
  const now = deps.clock.now();
  for (const spiritId of await spiritsWithWaitingClaims(deps.client)) {
    const spirit = await ports.findSpirit(spiritId);
    if (!spirit?.releaseDate || isReleased(spirit, now)) continue;
    const at = new Date(spirit.releaseDate);
    if (!Number.isNaN(at.getTime())) due.push(at.toISOString());
  }
  return due.length ? due.sort()[0]! : null;
}
