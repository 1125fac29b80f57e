import type { Services } from "../services.ts";

/**
 * One round of event work, the same on every runtime: reserved orders about to lapse get their
 * `hold.expiring` event and releases whose window opened or closed get theirs (both are facts of the
 * clock, not of a request), the dispatcher hands new outbox events to the consumers (webhooks queue their
 * deliveries, notifications fill inboxes and queue e-mails), then the webhook and e-mail senders attempt
 * what is due.
 */
export async function deliverEvents(services: Services) {
  const holdsExpiring = await services.orders.announceExpiringHolds();
  const releaseWindows = await services.releases.announceWindows();
  const dispatched = await services.events.dispatch();
  const webhooks = await services.webhooks.sendDue();
  const emails = await services.notifications.sendDueEmails();
  return {
    ...dispatched,
    holdsExpiring,
    releaseWindows,
    webhooks,
    emails,
    more: dispatched.more || webhooks.more || emails.more,
  };
}
