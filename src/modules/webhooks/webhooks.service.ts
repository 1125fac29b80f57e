/**
 * Staff's webhook endpoints (URL, event types, secret, enabled), their delivery log, a manual redeliver
 * and a test event. Deliveries themselves are deliveries.ts; this file is the management around them.
 */
import { and, desc, eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../db/schema/webhooks.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { webhookBody, webhookConsumer } from "./deliveries.ts";
import { attemptDelivery, dueDeliveriesProbe, type SenderOptions, sendDueDeliveries } from "./sender.ts";
import { newWebhookSecret } from "./signing.ts";
import { refuseWebhookUrl } from "./url-guard.ts";
import type {
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointPatch,
  WebhookPageQuery,
} from "./webhooks.schemas.ts";

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type AttemptRow = { a: typeof webhookAttempts.$inferSelect; d: typeof webhookDeliveries.$inferSelect };

/** How long a rotated-out secret keeps signing beside the new one, so receivers can switch over. */
const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

const BY_ID: Sort<EndpointRow> = {
  name: "id",
  keys: [{ column: webhookEndpoints.id, direction: "asc", value: (r) => r.id }],
};
const NEWEST_ATTEMPT: Sort<AttemptRow> = {
  name: "attempts",
  keys: [
    { column: webhookAttempts.at, direction: "desc", value: (r) => r.a.at },
    { column: webhookAttempts.id, direction: "desc", value: (r) => r.a.id },
  ],
};

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
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

const notFound = (id: string) => new DomainError("not-found", `Webhook endpoint ${id} was not found.`);

export function createWebhooksService(deps: Deps, sender: SenderOptions = {}) {
  const { db, clock } = deps;
  const nowIso = () => clock.now().toISOString();

  async function checkUrl(url: string) {
    const why = await refuseWebhookUrl(url, {
      allowPrivate: deps.config.WEBHOOKS_ALLOW_PRIVATE_URLS,
      resolve: deps.resolveHost,
    });
    if (why) {
      throw new DomainError("validation", `The endpoint URL ${why}.`, {
        errors: [{ path: "url", message: why }],
      });
    }
  }

  async function requireRow(id: string) {
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    if (!row) throw notFound(id);
    return row;
  }

  async function create(input: WebhookEndpointInput) {
    await checkUrl(input.url);
    const at = nowIso();
    const row: EndpointRow = {
      id: newId("whe"),
      url: input.url,
      description: input.description ?? null,
      eventTypes: input.eventTypes,
      secret: newWebhookSecret(),
      previousSecret: null,
      previousSecretUntil: null,
      enabled: input.enabled,
      disabledReason: null,
      failingSince: null,
      createdAt: at,
      updatedAt: at,
    };
    await db.insert(webhookEndpoints).values(row);
    return { ...toEndpoint(row), secret: row.secret };
  }

  async function update(id: string, patch: WebhookEndpointPatch) {
    await requireRow(id);
    if (patch.url !== undefined) await checkUrl(patch.url);
    // Turning it on (again) starts its failure record afresh.
    const reenabled = patch.enabled === true ? { disabledReason: null, failingSince: null } : {};
    const [row] = await db
      .update(webhookEndpoints)
      .set({ ...patch, ...reenabled, updatedAt: nowIso() })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (!row) throw notFound(id);
    return toEndpoint(row);
  }

  async function rotateSecret(id: string) {
    const row = await requireRow(id);
    const until = new Date(clock.now().getTime() + ROTATION_OVERLAP_MS).toISOString();
    const secret = newWebhookSecret();
    await db
      .update(webhookEndpoints)
      .set({ secret, previousSecret: row.secret, previousSecretUntil: until, updatedAt: nowIso() })
      .where(eq(webhookEndpoints.id, id));
    return { secret, previousValidUntil: until };
  }

  async function listAttempts(id: string, query: WebhookPageQuery) {
    await requireRow(id);
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

  /** Sends the delivery again now (one more attempt, whatever its state), with the same `webhook-id`. */
  async function redeliver(id: string, deliveryId: string) {
    await requireRow(id);
    const [d] = await db
      .update(webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: nowIso(), lockedUntil: null })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, id)))
      .returning({ id: webhookDeliveries.id });
    if (!d) throw new DomainError("not-found", `Delivery ${deliveryId} of endpoint ${id} was not found.`);
    return attemptOrBusy(deliveryId);
  }

  /** A `webhook.test` event for this endpoint alone, sent at once (to a disabled endpoint too). */
  async function sendTest(id: string) {
    await requireRow(id);
    const at = nowIso();
    const event = {
      id: newId("evt"),
      type: "webhook.test",
      occurredAt: at,
      subject: id,
      payload: { endpointId: id, message: "A test event sent by staff." },
    };
    const deliveryId = newId("whd");
    await db.insert(webhookDeliveries).values({
      id: deliveryId,
      endpointId: id,
      eventId: event.id,
      eventType: event.type,
      body: JSON.stringify(webhookBody(event)),
      status: "pending",
      attempts: 0,
      // Not due for the background sender: this request sends it (a failed one retries on schedule).
      nextAttemptAt: at,
      lockedUntil: null,
      createdAt: at,
      deliveredAt: null,
    });
    return attemptOrBusy(deliveryId);
  }

  async function attemptOrBusy(deliveryId: string) {
    const result = await attemptDelivery(deps, deliveryId, sender);
    if (!result)
      throw new DomainError("conflict", "The delivery is being sent right now; look at the log shortly.");
    return result;
  }

  return {
    consumer: webhookConsumer(deps),
    /** One run of the background sender (the runtimes schedule it after the dispatcher). */
    sendDue: (options: SenderOptions & { limit?: number } = {}) =>
      sendDueDeliveries(deps, { ...sender, ...options }),
    dueProbe: () => dueDeliveriesProbe(deps),
    create,
    async get(id: string) {
      return toEndpoint(await requireRow(id));
    },
    async list(query: WebhookPageQuery) {
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
    },
    update,
    async remove(id: string) {
      await requireRow(id);
      await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    },
    rotateSecret,
    listAttempts,
    redeliver,
    sendTest,
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
