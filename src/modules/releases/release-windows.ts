/**
 * `release.opened` and, for releases not sold by ballot, `spirit.released` (naming the release) and
 * `release.closed`: a release's window is a fact of the clock (its state is derived, never stored), so no
 * request makes these changes and no batch can carry their events. Run with every round of event work (src/runtime/event-work.ts) like `hold.expiring`: a
 * round with nothing to announce only reads, and the outbox remembers what was announced. A ballot's
 * `release.closed` is written when it settles (ballot.ts), not when it stops taking entries.
 *
 * Only windows that passed in the last week are looked at, so the scan stays small as releases pile up; a
 * dispatcher down for longer than that does not announce stale openings.
 */
import type { Deps } from "../../deps.ts";
import { type DueProbe, existsProbe } from "../events/due-probe.ts";
import { SQL_EVENT_ID } from "../events/outbox.ts";

const LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;

const notYet = (type: string) =>
  `NOT EXISTS (SELECT 1 FROM outbox_events e WHERE e.subject = r.id AND e.type = '${type}')`;

const OPENED = "r.opens_at <= :now AND r.opens_at > :since";

/** Per event: which releases are due for it, its subject, its payload and when it happened. */
const ANNOUNCED = {
  "release.opened": {
    due: `${OPENED} AND ${notYet("release.opened")}`,
    subject: "r.id",
    payload: "json_object('releaseId', r.id, 'spiritId', r.spirit_id)",
    // The window's edge, or the release's creation for one made with its window past.
    at: "max(r.opens_at, r.created_at)",
  },
  "release.closed": {
    due: `r.mode <> 'ballot' AND r.closes_at <= :now AND r.closes_at > :since AND ${notYet("release.closed")}`,
    subject: "r.id",
    payload: "json_object('releaseId', r.id, 'spiritId', r.spirit_id)",
    at: "max(r.closes_at, r.created_at)",
  },
  // The spirit goes on sale in the release (first come or through the queue; a ballot's winners are drawn
  // instead, so its opening sells nothing). Its subject is the spirit, as for a catalog release.
  "spirit.released": {
    due: `r.mode <> 'ballot' AND ${OPENED} AND NOT EXISTS (SELECT 1 FROM outbox_events e
      WHERE e.subject = r.spirit_id AND e.type = 'spirit.released' AND e.payload ->> '$.releaseId' = r.id)`,
    subject: "r.spirit_id",
    payload: "json_object('spiritId', r.spirit_id, 'releaseId', r.id)",
    at: "max(r.opens_at, r.created_at)",
  },
} as const;

type Announced = keyof typeof ANNOUNCED;

const TYPES = Object.keys(ANNOUNCED) as Announced[];

const windowArgs = (now: Date) => ({
  now: now.toISOString(),
  since: new Date(now.getTime() - LOOKBACK_MS).toISOString(),
});

/** Whether any window has an event still to write (src/modules/events/due-probe.ts). */
export const releaseWindowsProbe = (deps: Pick<Deps, "clock">): DueProbe =>
  existsProbe(
    "releases r",
    TYPES.map((t) => `(${ANNOUNCED[t].due})`).join(" OR "),
    windowArgs(deps.clock.now()),
  );

/** Writes the events of windows that opened or closed since last time; how many of each. */
export async function announceReleaseWindows(deps: Pick<Deps, "client" | "clock">) {
  const args = windowArgs(deps.clock.now());
  // One read for all of them: most rounds have nothing to announce, and each read is a round trip remotely.
  const due = await deps.client.execute({
    sql: `SELECT ${TYPES.map((t, i) => `EXISTS (SELECT 1 FROM releases r WHERE ${ANNOUNCED[t].due}) AS d${i}`).join(", ")}`,
    args,
  });
  const written: Record<Announced, number> = {
    "release.opened": 0,
    "release.closed": 0,
    "spirit.released": 0,
  };
  for (const [i, type] of TYPES.entries()) {
    if (!Number(due.rows[0]?.[`d${i}`])) continue;
    const event = ANNOUNCED[type];
    const rs = await deps.client.execute({
      sql: `INSERT INTO outbox_events (id, type, subject, occurred_at, payload)
            SELECT ${SQL_EVENT_ID}, '${type}', ${event.subject}, ${event.at}, ${event.payload}
            FROM releases r WHERE ${event.due} ORDER BY ${event.at}, r.id`,
      args,
    });
    written[type] = rs.rowsAffected;
  }
  return {
    opened: written["release.opened"],
    closed: written["release.closed"],
    released: written["spirit.released"],
  };
}
