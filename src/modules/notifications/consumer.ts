/**
 * The outbox consumer of notifications: each event that is news for someone (targeting.ts) becomes their
 * notifications (fan-out.ts). At least once is safe: an event handed over again makes nothing twice.
 */
import type { EventConsumer } from "../events/domain-events.ts";
import { deliverNotice } from "./fan-out.ts";
import type { NotificationsContext } from "./notifications.context.ts";
import { noticeOf } from "./targeting.ts";

/**
 * Events older than this are not news any more: a consumer added to a running shop starts at the
 * beginning of the log, and nobody should hear today about last year's orders.
 */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export function notificationsConsumer(ctx: NotificationsContext): EventConsumer {
  return {
    name: "notifications",
    async handle(event) {
      const age = ctx.deps.clock.now().getTime() - new Date(event.occurredAt).getTime();
      if (age > STALE_AFTER_MS) return;
      const notice = await noticeOf(ctx, event);
      if (notice) await deliverNotice(ctx, event, notice);
    },
  };
}
