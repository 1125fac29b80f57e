/**
 * The outbox consumer of notifications: each event that is news for someone (targeting.ts) becomes their
 * notifications (fan-out.ts). At least once is safe: an event handed over again makes nothing twice.
 */
import type { DomainEvent, EventConsumer } from "../events/domain-events.ts";
import { deliverNotice, deliverNotices } from "./fan-out.ts";
import type { NotificationsContext } from "./notifications.context.ts";
import { type Notice, noticeOf } from "./targeting.ts";

/**
 * Events older than this are not news any more: a consumer added to a running shop starts at the
 * beginning of the log, and nobody should hear today about last year's orders.
 */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export function notificationsConsumer(ctx: NotificationsContext): EventConsumer {
  const news = async (event: DomainEvent) => {
    const age = ctx.deps.clock.now().getTime() - new Date(event.occurredAt).getTime();
    return age > STALE_AFTER_MS ? null : noticeOf(ctx, event);
  };
  return {
    name: "notifications",
    async handle(event) {
      const notice = await news(event);
      if (notice) await deliverNotice(ctx, event, notice);
    },
    // A run's events in chunks of up to a thousand customers: a drop's hundred order events were three
    // round trips each, now three for all of them.
    async handleAll(events) {
      const notices: { event: DomainEvent; notice: Notice }[] = [];
      for (const event of events) {
        const notice = await news(event);
        if (notice) notices.push({ event, notice });
      }
      await deliverNotices(ctx, notices);
    },
  };
}
