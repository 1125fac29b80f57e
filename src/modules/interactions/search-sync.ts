import { sql } from "drizzle-orm";
import type { Deps } from "../../deps.ts";

const SYNC_NAME = "searches";
/** Searches are written just after their response; re-reading a few minutes back catches late writers. */
const LOOKBACK_MS = 5 * 60_000;

/**
 * Searches are recorded from the search module's own history table (`search_history`) rather than by a
 * hook in its handler: each row becomes one `search` event (the query, sort and result count). The
 * dedupe key (the history row's id) makes it exactly-once, so re-reading the look-back window is safe.
 */
export function createSearchSync(deps: Deps) {
  const { db, client, clock } = deps;
  let inFlight: Promise<number> | undefined;

  async function once(): Promise<number> {
    const head = await client.execute({
      sql: `SELECT (SELECT position FROM signal_sync_state WHERE name = ?) AS pos,
                   (SELECT max(at) FROM search_history) AS top`,
      args: [SYNC_NAME],
    });
    const top = head.rows[0]?.top;
    if (top === null || top === undefined) return 0;
    const topMs = Date.parse(String(top));
    const pos = Number(head.rows[0]?.pos ?? 0);
    if (topMs <= pos) return 0;
    const from = new Date(Math.max(0, pos - LOOKBACK_MS)).toISOString();
    const now = clock.now().toISOString();
    const [inserted] = await db.batch([
      db.run(sql`INSERT INTO interactions
          (id, customer_id, kind, spirit_id, source, value, detail, dedupe_key, occurred_at, recorded_at)
        SELECT 'int_' || lower(hex(randomblob(10))), s.customer_id, 'search', NULL, 'server', s.result_count,
               json_object('query', s.query, 'sort', s.sort, 'searchId', s.id), 'search:' || s.id, s.at, ${now}
        FROM search_history s
        WHERE s.at >= ${from} AND s.at <= ${String(top)}
        ORDER BY s.at, s.id
        ON CONFLICT (dedupe_key) DO NOTHING`),
      db.run(sql`INSERT INTO signal_sync_state (name, position, updated_at) VALUES (${SYNC_NAME}, ${topMs}, ${now})
        ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
        WHERE excluded.position > signal_sync_state.position`),
    ]);
    return inserted.rowsAffected;
  }

  async function guarded(): Promise<number> {
    try {
      return await once();
    } catch (err) {
      // Without the search module (no such table) there is nothing to record.
      if (String((err as Error)?.message).includes("no such table")) return 0;
      throw err;
    }
  }

  /** Catches up with the search history; concurrent callers share one run. */
  function run(): Promise<number> {
    inFlight ??= guarded().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return { run };
}
