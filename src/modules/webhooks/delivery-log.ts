/** An endpoint's delivery log as staff read it: every attempt, newest first, with its delivery's state. */
import { and, desc, eq } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { webhookAttempts, webhookDeliveries } from "../../db/schema/webhooks.ts";
import { requireEndpointRow } from "./endpoint-views.ts";
import type { WebhooksContext } from "./webhooks.context.ts";
import type { WebhookPageQuery } from "./webhooks.schemas.ts";

type AttemptRow = { a: typeof webhookAttempts.$inferSelect; d: typeof webhookDeliveries.$inferSelect };

const NEWEST_ATTEMPT: Sort<AttemptRow> = {
  name: "attempts",
  keys: [
    { column: webhookAttempts.at, direction: "desc", value: (r) => r.a.at },
    { column: webhookAttempts.id, direction: "desc", value: (r) => r.a.id },
  ],
};

export async function listAttempts(ctx: WebhooksContext, id: string, query: WebhookPageQuery) {
  const { db } = ctx.deps;
  await requireEndpointRow(ctx, id);
  const where = [eq(webhookAttempts.endpointId, id)];
  if (query.cursor) where.push(afterCursor(NEWEST_ATTEMPT, decodeCursor(NEWEST_ATTEMPT, query.cursor)));
  return page(
    NEWEST_ATTEMPT,
    query.limit,
    (limit) =>
      db
        .select({ a: webhookAttempts, d: webhookDeliveries })
        .from(webhookAttempts)
        .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
        .where(and(...where))
        .orderBy(...orderByOf(NEWEST_ATTEMPT), desc(webhookAttempts.attempt))
        .limit(limit),
    ({ a, d }) => ({
      id: a.id,
      deliveryId: a.deliveryId,
      eventId: d.eventId,
      eventType: d.eventType,
      attempt: a.attempt,
      ok: a.ok,
      statusCode: a.statusCode,
      error: a.error,
      latencyMs: a.latencyMs,
      at: a.at,
      deliveryStatus: d.status,
    }),
  );
}
