/**
 * A first-come release sells at most its allocation, however much stock the shop holds: the bottles of
 * the spirit in orders placed since the release opened (and still holding or having taken bottles) plus
 * the order's own must stay within it. The check is a guard of the spirit's hold, so it runs inside the
 * stock engine's batch, after every earlier buyer's hold in that batch: one writer per spirit makes it
 * exact, on Bun and in the spirit's Durable Object alike. A refusal reads as the drop being sold out.
 */
import type { Client } from "@libsql/client";
import type { ReleaseRow } from "../../db/schema/releases.ts";
import type { Guard } from "../../stock/ledger.ts";

/** What a live release asks of an order for its spirit: the orders module's own gate type. */
export type { ReleaseGate as ReleaseGateAnswer } from "../orders/orders.ports.ts";

const SOLD_IN_RELEASE = `(SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
  WHERE l.spirit_id = ? AND o.created_at >= ? AND o.created_at < ?
    AND o.status NOT IN ('cancelled', 'expired', 'refunded'))`;

export const allocationGuard =
  (release: ReleaseRow) =>
  (wanted: number): Guard => ({
    reason: "sold-out",
    sql: `${SOLD_IN_RELEASE} + ? <= ?`,
    args: [release.spiritId, release.opensAt, release.closesAt, wanted, release.allocation],
  });

/** Bottles a first-come release has sold so far (what its `remaining` leaves out). */
export async function soldInRelease(client: Client, release: ReleaseRow): Promise<number> {
  const rs = await client.execute({
    sql: `SELECT ${SOLD_IN_RELEASE} AS sold`,
    args: [release.spiritId, release.opensAt, release.closesAt],
  });
  return Number(rs.rows[0]?.sold ?? 0);
}
