import { NEVER_DUE } from "../modules/events/due-probe.ts";
import type { Services } from "../services.ts";

/**
 * One round of event work, the same on every runtime: reserved orders about to lapse get their
 * `hold.expiring` event and releases whose window opened or closed get theirs (both are facts of the
 * clock, not of a request), the dispatcher hands new outbox events to the consumers (webhooks queue their
 * deliveries, notifications fill inboxes and queue e-mails), then the webhook and e-mail senders attempt
 * what is due.
 *
 * One read first asks every step whether it has anything to do (src/modules/events/due-probe.ts), so an
 * idle round is one round trip, not one per step. A step that was idle at that read still runs when an
 * earlier step of the round gave it work: the dispatcher after new events, the senders after it handed any.
 */
export async function deliverEvents(services: Services) {
  const due = await services.events.askProbes({
    holds: services.orders.expiringHoldsProbe(),
    windows: services.releases.windowsProbe(),
    dispatch: services.events.dispatchProbe(),
    webhooks: services.webhooks.dueProbe(),
    emails: services.notifications.dueEmailsProbe() ?? NEVER_DUE,
  });
  const holdsExpiring = due.holds ? await services.orders.announceExpiringHolds() : 0;
  const releaseWindows = due.windows
    ? await services.releases.announceWindows()
    : { opened: 0, closed: 0, released: 0 };
  const announced =
    holdsExpiring + releaseWindows.opened + releaseWindows.closed + releaseWindows.released > 0;
  const dispatched =
    due.dispatch || announced
      ? await services.events.dispatch()
      : {
          stockSpirits: 0,
          consumers: services.events.consumers().map((c) => ({
            consumer: c.name,
            handled: 0,
            failed: false,
            waiting: false,
          })),
          more: false,
        };
  const handed = dispatched.consumers.some((c) => c.handled > 0);
  const webhooks =
    due.webhooks || handed ? await services.webhooks.sendDue() : { attempted: 0, delivered: 0, more: false };
  const emails =
    due.emails || handed
      ? await services.notifications.sendDueEmails()
      : { sent: 0, failed: 0, skipped: 0, more: false };
  return {
    ...dispatched,
    holdsExpiring,
    releaseWindows,
    webhooks,
    emails,
    more: dispatched.more || webhooks.more || emails.more,
  };
}
