/**
 * `release.opened` and, for releases not sold by ballot, `release.closed`: a release's window is a fact of
 * the clock (its state is derived, never stored), so no request makes these changes and no batch can carry
 * their events. Run with every round of event work (src/runtime/event-work.ts) like `hold.expiring`: a
 * round with nothing to announce only reads, and the outbox remembers what was announced. A ballot's
 * `release.closed` is written when it settles (ballot.ts), not when it stops taking entries.
 *
 * Only windows that passed in the last week are looked at, so the scan stays small as releases pile up; a
 * dispatcher down for longer than that does not announce stale openings.
 */
import type { Deps } from "../../deps.ts";
import { SQL_EVENT_ID } from "../events/outbox.ts";

const LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;

const notYet = (type: string) =>
  `NOT EXISTS (SELECT 1 FROM outbox_events e WHERE e.subject = r.id AND e.type = '${type}')`;

const DUE = {
  "release.opened": `r.opens_at <= :now AND r.opens_at > :since AND ${notYet("release.opened")}`,
  "release.closed": `r.mode <> 'ballot' AND r.closes_at <= :now AND r.closes_at > :since
    AND ${notYet("release.closed")}`,
} as const;

/** When it happened: the window's edge, or the release's creation for one made with its window past. */
const WHEN = {
  "release.opened": "max(r.opens_at, r.created_at)",
  "release.closed": "max(r.closes_at, r.created_at)",
};

/** Writes the events of windows that opened or closed since last time; how many of each. */
export async function announceReleaseWindows(deps: Pick<Deps, "client" | "clock">) {
  const now = deps.clock.now();
  const args = { now: now.toISOString(), since: new Date(now.getTime() - LOOKBACK_MS).toISOString() };
  const written = { opened: 0, closed: 0 };
  for (const type of ["release.opened", "release.closed"] as const) {
    const due = await deps.client.execute({
      sql: `SELECT 1 FROM releases r WHERE ${DUE[type]} LIMIT 1`,
      args,
    });
    if (!due.rows.length) continue;
    const rs = await deps.client.execute({
      sql: `INSERT INTO outbox_events (id, type, subject, occurred_at, payload)
            SELECT ${SQL_EVENT_ID}, '${type}', r.id, ${WHEN[type]},
                   json_object('releaseId', r.id, 'spiritId', r.spirit_id)
            FROM releases r WHERE ${DUE[type]} ORDER BY ${WHEN[type]}, r.id`,
      args,
    });
    written[type === "release.opened" ? "opened" : "closed"] = rs.rowsAffected;
  }
  return written;
}
