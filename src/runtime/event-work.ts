import type { Services } from "../services.ts";

/**
 * One round of event work, the same on every runtime: the dispatcher hands new outbox events to the
 * consumers (webhooks queue their deliveries), then the webhook sender attempts what is due.
 */
export async function deliverEvents(services: Services) {
  const dispatched = await services.events.dispatch();
  const webhooks = await services.webhooks.sendDue();
  return { ...dispatched, webhooks, more: dispatched.more || webhooks.more };
}
