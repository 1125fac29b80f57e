/** A customer's inbox: newest first, all or unread only, and marking read (one, or everything so far). */
import { and, count, eq, isNull, lte, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type NotificationRow, notifications } from "../../db/schema/notifications.ts";
import { DomainError } from "../../domain-error.ts";
import { type NotificationsContext, nowIso } from "./notifications.context.ts";
import type { Notification, NotificationListQuery } from "./notifications.schemas.ts";
import type { NotificationTopic } from "./topics.ts";

const NEWEST: Sort<NotificationRow> = {
  name: "notifications_newest",
  keys: [
    { column: notifications.createdAt, direction: "desc", value: (r) => r.createdAt },
    { column: notifications.id, direction: "desc", value: (r) => r.id },
  ],
};

export const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  topic: r.topic as NotificationTopic,
  title: r.title,
  body: r.body,
  link: r.link,
  subjectId: r.subjectId,
  createdAt: r.createdAt,
  readAt: r.readAt,
});

async function requireCustomer(ctx: NotificationsContext, customerId: string) {
  if (!(await ctx.ports.customerExists(customerId))) {
    throw new DomainError("not-found", "Customer was not found.");
  }
}

export async function unreadCount(ctx: NotificationsContext, customerId: string): Promise<number> {
  const [row] = await ctx.deps.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.customerId, customerId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

export async function listNotifications(
  ctx: NotificationsContext,
  customerId: string,
  query: NotificationListQuery,
) {
  await requireCustomer(ctx, customerId);
  const where: SQL[] = [eq(notifications.customerId, customerId)];
  if (query.unread) where.push(isNull(notifications.readAt));
  if (query.cursor) where.push(afterCursor(NEWEST, decodeCursor(NEWEST, query.cursor)));
  const result = await page(
    NEWEST,
    query.limit,
    (limit) =>
      ctx.deps.db
        .select()
        .from(notifications)
        .where(and(...where))
        .orderBy(...orderByOf(NEWEST))
        .limit(limit),
    toNotification,
  );
  return { ...result, unreadCount: await unreadCount(ctx, customerId) };
}

/** Marks one read; marking it again keeps the first time. Another customer's id is not found. */
export async function markRead(ctx: NotificationsContext, customerId: string, notificationId: string) {
  const mine = and(eq(notifications.id, notificationId), eq(notifications.customerId, customerId));
  await ctx.deps.db
    .update(notifications)
    .set({ readAt: nowIso(ctx) })
    .where(and(mine, isNull(notifications.readAt)));
  const [row] = await ctx.deps.db.select().from(notifications).where(mine);
  if (!row) throw new DomainError("not-found", `Notification ${notificationId} was not found.`);
  return toNotification(row);
}

/** Marks read everything the customer had up to now (one that arrives meanwhile stays unread). */
export async function markAllRead(ctx: NotificationsContext, customerId: string) {
  await requireCustomer(ctx, customerId);
  const at = nowIso(ctx);
  const marked = await ctx.deps.db
    .update(notifications)
    .set({ readAt: at })
    .where(
      and(
        eq(notifications.customerId, customerId),
        isNull(notifications.readAt),
        lte(notifications.createdAt, at),
      ),
    )
    .returning({ id: notifications.id });
  return { marked: marked.length };
}
