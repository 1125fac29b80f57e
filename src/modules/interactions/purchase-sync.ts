import { sql } from "drizzle-orm";
import type { Deps } from "../../deps.ts";
import type { RefreshRequests } from "./refresh-port.ts";

const SYNC_NAME = "purchases";

/**
 * Purchases are recorded from the orders' own append-only status history rather than by a hook in the
 * orders code: every `confirmed` row after the last position read becomes one `purchase` event per
 * order line. The dedupe key (the line id) makes it exactly-once however often, and from however many
 * processes, it runs; the position only moves forward.
 */
export function createPurchaseSync(deps: Deps, queue: RefreshRequests) {
  const { db, client, clock } = deps;
  let inFlight: Promise<number> | undefined;

  async function once(): Promise<number> {
    const head = await client.execute({
      sql: `SELECT (SELECT position FROM signal_sync_state WHERE name = ?) AS pos,
                   (SELECT max(seq) FROM order_status_history) AS top`,
      args: [SYNC_NAME],
    });
    const pos = Number(head.rows[0]?.pos ?? 0);
    const top = Number(head.rows[0]?.top ?? 0);
    if (top <= pos) return 0;
    const buyers = await client.execute({
      sql: `SELECT DISTINCT o.customer_id AS customer_id FROM order_status_history h
              JOIN orders o ON o.id = h.order_id
            WHERE h.seq > ? AND h.seq <= ? AND h.status = 'confirmed'`,
      args: [pos, top],
    });
    const now = clock.now().toISOString();
    const [inserted] = await db.batch([
      db.run(sql`INSERT INTO interactions
          (id, customer_id, kind, spirit_id, source, value, detail, dedupe_key, occurred_at, recorded_at)
        SELECT 'int_' || lower(hex(randomblob(10))), o.customer_id, 'purchase', l.spirit_id, 'server', l.quantity,
               json_object('orderId', o.id, 'batchId', l.batch_id), 'purchase:' || l.id, h.at, ${now}
        FROM order_status_history h
          JOIN orders o ON o.id = h.order_id
          JOIN order_lines l ON l.order_id = h.order_id
        WHERE h.seq > ${pos} AND h.seq <= ${top} AND h.status = 'confirmed'
        ORDER BY h.seq, l.position
        ON CONFLICT (dedupe_key) DO NOTHING`),
      ...buyers.rows.map((r) => queue.enqueue(String(r.customer_id), "signal:purchase")),
      db.run(sql`INSERT INTO signal_sync_state (name, position, updated_at) VALUES (${SYNC_NAME}, ${top}, ${now})
        ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
        WHERE excluded.position > signal_sync_state.position`),
    ]);
    return inserted.rowsAffected;
  }

  /** Catches up with the orders' history; concurrent callers share one run. */
  function run(): Promise<number> {
    inFlight ??= once().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return { run };
}
