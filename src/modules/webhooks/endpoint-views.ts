/** Webhook endpoints as staff read them (never with their secrets). */
import { eq } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { webhookEndpoints } from "../../db/schema/webhooks.ts";
import { DomainError } from "../../domain-error.ts";
import type { WebhooksContext } from "./webhooks.context.ts";
import type { WebhookEndpoint, WebhookPageQuery } from "./webhooks.schemas.ts";

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

const BY_ID: Sort<EndpointRow> = {
  name: "id",
  keys: [{ column: webhookEndpoints.id, direction: "asc", value: (r) => r.id }],
};

export const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: r.eventTypes,
  enabled: r.enabled,
  disabledReason: r.disabledReason,
  failingSince: r.failingSince,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export const endpointNotFound = (id: string) =>
  new DomainError("not-found", `Webhook endpoint ${id} was not found.`);

/** The endpoint's row, secrets included (for this module's own use), or a 404. */
export async function requireEndpointRow({ deps: { db } }: WebhooksContext, id: string) {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw endpointNotFound(id);
  return row;
}

export async function getEndpoint(ctx: WebhooksContext, id: string) {
  return toEndpoint(await requireEndpointRow(ctx, id));
}

export async function listEndpoints({ deps: { db } }: WebhooksContext, query: WebhookPageQuery) {
  const where = query.cursor ? afterCursor(BY_ID, decodeCursor(BY_ID, query.cursor)) : undefined;
  return page(
    BY_ID,
    query.limit,
    (limit) =>
      db
        .select()
        .from(webhookEndpoints)
        .where(where)
        .orderBy(...orderByOf(BY_ID))
        .limit(limit),
    toEndpoint,
  );
}
