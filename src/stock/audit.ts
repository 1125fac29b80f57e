/**
 * The stock audit: checks, in one consistent read, that every level equals the sums of its ledger rows and
 * of its live holds, that customers' totals equal their live holds and waiting pre-orders, and that
 * pre-order counters equal their claims. It reports; it never corrects (a correction is a staff decision
 * and a new ledger row). Pure over a libSQL Client.
 */
import type { Client } from "@libsql/client";
import { num, readSnapshot, str, strOrNull } from "./ledger.ts";

export type Discrepancy = {
  kind:
    | "ledger-on-hand"
    | "ledger-reserved"
    | "holds-reserved"
    | "level-range"
    | "orphan-movements"
    | "customer-total"
    | "preorder-counter"
    | "serials";
  /** What it is about: a level, a customer and spirit, a spirit, a hold. */
  subject: Record<string, string | null>;
  expected: number;
  actual: number;
  detail: string;
};

export type StockAuditReport = {
  levelsChecked: number;
  movementsChecked: number;
  activeHolds: number;
  /** Active holds past their expiry that the reaper has not released yet (not a discrepancy by itself). */
  lapsedHolds: number;
  discrepancies: Discrepancy[];
};

export async function auditStock(client: Client, now: string): Promise<StockAuditReport> {
  const [levels, orphans, totals, counters, holds, serials] = await readSnapshot(client, [
    `SELECT l.id, l.spirit_id, l.batch_id, l.location_id, l.on_hand, l.reserved,
            COALESCE(m.on_hand, 0) AS ledger_on_hand, COALESCE(m.reserved, 0) AS ledger_reserved,
            COALESCE(m.n, 0) AS movements, COALESCE(h.held, 0) AS held
     FROM inventory_levels l
     LEFT JOIN (SELECT level_id, SUM(on_hand_delta) AS on_hand, SUM(reserved_delta) AS reserved, COUNT(*) AS n
                FROM stock_movements GROUP BY level_id) m ON m.level_id = l.id
     LEFT JOIN (SELECT level_id, SUM(quantity) AS held FROM stock_holds
                WHERE status IN ('active', 'committed') GROUP BY level_id) h ON h.level_id = l.id
     ORDER BY l.spirit_id, l.location_id, l.batch_key`,
    `SELECT level_id, COUNT(*) AS n FROM stock_movements
     WHERE level_id NOT IN (SELECT id FROM inventory_levels) GROUP BY level_id`,
    `WITH live AS (
       SELECT customer_id, spirit_id, quantity FROM stock_holds WHERE status IN ('active', 'committed', 'shipped')
       UNION ALL
       SELECT customer_id, spirit_id, quantity FROM preorder_claims WHERE status = 'waiting'
     ), expected AS (SELECT customer_id, spirit_id, SUM(quantity) AS q FROM live GROUP BY customer_id, spirit_id)
     SELECT customer_id, spirit_id, SUM(e) AS expected, SUM(a) AS actual FROM (
       SELECT customer_id, spirit_id, q AS e, 0 AS a FROM expected
       UNION ALL
       SELECT customer_id, spirit_id, 0, quantity FROM customer_spirit_totals
     ) GROUP BY customer_id, spirit_id HAVING SUM(e) <> SUM(a)`,
    `SELECT spirit_id, SUM(e) AS expected, SUM(a) AS actual FROM (
       SELECT spirit_id, quantity AS e, 0 AS a FROM preorder_claims WHERE status IN ('waiting', 'converted')
       UNION ALL
       SELECT spirit_id, 0, taken FROM preorder_counters
     ) GROUP BY spirit_id HAVING SUM(e) <> SUM(a)`,
    {
      sql: `SELECT COUNT(*) AS active, COALESCE(SUM(expires_at <= ?), 0) AS lapsed FROM stock_holds WHERE status = 'active'`,
      args: [now],
    },
    `SELECT b.hold_id, COUNT(*) AS n, h.quantity, h.status FROM bottle_serials b
     LEFT JOIN stock_holds h ON h.id = b.hold_id
     WHERE b.hold_id IS NOT NULL AND b.status IN ('assigned', 'shipped')
     GROUP BY b.hold_id HAVING h.id IS NULL OR n > h.quantity OR h.status NOT IN ('committed', 'shipped')`,
  ]);

  const discrepancies: Discrepancy[] = [];
  let movementsChecked = 0;
  for (const r of levels!.rows) {
    const subject = {
      levelId: str(r.id),
      spiritId: str(r.spirit_id),
      batchId: strOrNull(r.batch_id),
      locationId: str(r.location_id),
    };
    const onHand = num(r.on_hand);
    const reserved = num(r.reserved);
    movementsChecked += num(r.movements);
    const check = (kind: Discrepancy["kind"], expected: number, actual: number, detail: string) => {
      if (expected !== actual) discrepancies.push({ kind, subject, expected, actual, detail });
    };
    check("ledger-on-hand", num(r.ledger_on_hand), onHand, "on-hand differs from the sum of its ledger rows");
    check(
      "ledger-reserved",
      num(r.ledger_reserved),
      reserved,
      "reserved differs from the sum of its ledger rows",
    );
    check("holds-reserved", num(r.held), reserved, "reserved differs from its active and committed holds");
    if (reserved < 0 || reserved > onHand || onHand < 0) {
      discrepancies.push({
        kind: "level-range",
        subject,
        expected: 0,
        actual: onHand - reserved,
        detail: "0 <= reserved <= on-hand does not hold",
      });
    }
  }
  for (const r of orphans!.rows) {
    discrepancies.push({
      kind: "orphan-movements",
      subject: { levelId: str(r.level_id) },
      expected: 0,
      actual: num(r.n),
      detail: "ledger rows for a level that does not exist",
    });
  }
  for (const r of totals!.rows) {
    discrepancies.push({
      kind: "customer-total",
      subject: { customerId: str(r.customer_id), spiritId: str(r.spirit_id) },
      expected: num(r.expected),
      actual: num(r.actual),
      detail: "the customer's counted total differs from their live holds and waiting pre-orders",
    });
  }
  for (const r of counters!.rows) {
    discrepancies.push({
      kind: "preorder-counter",
      subject: { spiritId: str(r.spirit_id) },
      expected: num(r.expected),
      actual: num(r.actual),
      detail: "the pre-order counter differs from its claims",
    });
  }
  for (const r of serials!.rows) {
    discrepancies.push({
      kind: "serials",
      subject: { holdId: str(r.hold_id) },
      expected: num(r.quantity),
      actual: num(r.n),
      detail: "bottle numbers assigned to a hold that is missing, not committed, or smaller",
    });
  }
  const h = holds!.rows[0];
  return {
    levelsChecked: levels!.rows.length,
    movementsChecked,
    activeHolds: num(h?.active),
    lapsedHolds: num(h?.lapsed),
    discrepancies,
  };
}
