/**
 * `hold.expiring`: a reserved order is told shortly before its hold lapses, once per hold (a hold given
 * a new expiry is told again). "Shortly" is a third of the hold's length, at most two hours: five minutes
 * before a 15-minute checkout hold, two hours before a ballot winner's day to pay. Run with every round of
 * event work (src/runtime/event-work.ts); a round with nothing to announce only reads. The outbox itself
 * remembers what was announced, so no table of its own and nothing to clean up. Reads orders, never stock.
 */
import { type DueProbe, existsProbe } from "../events/due-probe.ts";
import { SQL_EVENT_ID } from "../events/outbox.ts";
import type { OrdersContext } from "./orders.context.ts";

export const HOLD_EXPIRING_LEAD_MS = 2 * 60 * 60 * 1000;

const DUE = `o.status = 'reserved' AND o.expires_at > :now
  AND (julianday(o.expires_at) - julianday(:now)) * 86400000
      <= min(:lead, (julianday(o.expires_at) - julianday(o.created_at)) * 86400000 / 3)
  AND NOT EXISTS (SELECT 1 FROM outbox_events e
                  WHERE e.subject = o.id AND e.type = 'hold.expiring'
                    AND json_extract(e.payload, '$.expiresAt') = o.expires_at)`;

const dueArgs = (now: Date) => ({ now: now.toISOString(), lead: HOLD_EXPIRING_LEAD_MS });

/** Whether any reserved order is inside its warning window unannounced (src/modules/events/due-probe.ts). */
export const expiringHoldsProbe = ({ deps }: OrdersContext): DueProbe =>
  existsProbe("orders o", DUE, dueArgs(deps.clock.now()));

/** Writes the event of each reserved order now inside its warning window; how many it wrote. */
export async function announceExpiringHolds({ deps }: OrdersContext): Promise<number> {
  const args = dueArgs(deps.clock.now());
  const due = await deps.client.execute({ sql: `SELECT 1 FROM orders o WHERE ${DUE} LIMIT 1`, args });
  if (!due.rows.length) return 0;
  const written = await deps.client.execute({
    sql: `INSERT INTO outbox_events (id, type, subject, occurred_at, payload)
          SELECT ${SQL_EVENT_ID}, 'hold.expiring', o.id, :now,
                 json_object('holdId', o.id, 'customerId', o.customer_id, 'expiresAt', o.expires_at)
          FROM orders o WHERE ${DUE} ORDER BY o.expires_at`,
    args,
  });
  return written.rowsAffected;
}
