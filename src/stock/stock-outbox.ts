/**
 * Turns the marks the stock engine leaves in its batches (ledger.ts, `StockMarks`) into events, in one
 * atomic batch: per marked spirit, one `stock.changed` with what is available now (many commits between
 * two runs become one event: coalesced), and `stock.back_in_stock` when the last event said 0 and now
 * there is some. A mark whose spirit's version did not move since the last event writes nothing.
 *
 * The event's time is its last commit's; its place in the outbox is when this ran. Run by the dispatcher.
 */
import type { Client } from "@libsql/client";
import { SQL_EVENT_ID } from "../modules/events/outbox.ts";

const CURRENT = `WITH cur AS (
  SELECT m.spirit_id, m.changed_at, m.emitted_version, m.emitted_available,
    (SELECT COALESCE(SUM(l.on_hand - l.reserved), 0) FROM inventory_levels l WHERE l.spirit_id = m.spirit_id) AS available,
    (SELECT COALESCE(SUM(l.version), 0) FROM inventory_levels l WHERE l.spirit_id = m.spirit_id) AS version
  FROM stock_event_marks m WHERE m.dirty = 1)`;
const INSERT = "INSERT INTO outbox_events (id, type, subject, occurred_at, payload)";

const CHANGED = `${CURRENT}
  ${INSERT} SELECT ${SQL_EVENT_ID}, 'stock.changed', spirit_id, changed_at,
    json_object('spiritId', spirit_id, 'available', available, 'version', version)
  FROM cur WHERE emitted_version IS NULL OR emitted_version <> version ORDER BY changed_at`;

const BACK = `${CURRENT}
  ${INSERT} SELECT ${SQL_EVENT_ID}, 'stock.back_in_stock', spirit_id, changed_at,
    json_object('spiritId', spirit_id, 'available', available)
  FROM cur WHERE emitted_available = 0 AND available > 0 ORDER BY changed_at`;

const SETTLE = `UPDATE stock_event_marks SET dirty = 0,
    emitted_available = (SELECT COALESCE(SUM(l.on_hand - l.reserved), 0) FROM inventory_levels l WHERE l.spirit_id = stock_event_marks.spirit_id),
    emitted_version = (SELECT COALESCE(SUM(l.version), 0) FROM inventory_levels l WHERE l.spirit_id = stock_event_marks.spirit_id)
  WHERE dirty = 1`;

/** Writes the coalesced stock events of every marked spirit; answers how many spirits it settled. */
/** A mark not yet turned into events (the dispatcher's probe asks the same). */
export const ANY_DIRTY_MARK = "SELECT 1 FROM stock_event_marks WHERE dirty = 1";

export async function flushStockMarks(client: Client): Promise<number> {
  // A read first: most runs find nothing, and need not take the write lock the stock engine commits under.
  const dirty = await client.execute(`${ANY_DIRTY_MARK} LIMIT 1`);
  if (!dirty.rows.length) return 0;
  const results = await client.batch([CHANGED, BACK, SETTLE], "write");
  return results[2]?.rowsAffected ?? 0;
}
