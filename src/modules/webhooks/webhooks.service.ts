/**
 * Staff's webhook endpoints (URL, event types, secret, enabled), their delivery log, a manual redeliver
 * and a test event, bound to one context. Deliveries themselves are deliveries.ts and sender.ts; the
 * management around them lives in the file of its concern as plain functions taking the context:
 * endpoint-views.ts, endpoint-changes.ts, delivery-log.ts, manual-deliveries.ts.
 */
import type { Deps } from "../../deps.ts";
import { webhookConsumer } from "./deliveries.ts";
import { listAttempts } from "./delivery-log.ts";
import { createEndpoint, removeEndpoint, rotateSecret, updateEndpoint } from "./endpoint-changes.ts";
import { getEndpoint, listEndpoints } from "./endpoint-views.ts";
import { redeliver, sendTest } from "./manual-deliveries.ts";
import { dueDeliveriesProbe, type SenderOptions, sendDueDeliveries } from "./sender.ts";
import type { WebhooksContext } from "./webhooks.context.ts";
import type { WebhookEndpointInput, WebhookEndpointPatch, WebhookPageQuery } from "./webhooks.schemas.ts";

export function createWebhooksService(deps: Deps, sender: SenderOptions = {}) {
  const ctx: WebhooksContext = { deps, sender };
  return {
    consumer: webhookConsumer(deps),
    /** One run of the background sender (the runtimes schedule it after the dispatcher). */
    sendDue: (options: SenderOptions & { limit?: number } = {}) =>
      sendDueDeliveries(deps, { ...sender, ...options }),
    dueProbe: () => dueDeliveriesProbe(deps),
    create: (input: WebhookEndpointInput) => createEndpoint(ctx, input),
    get: (id: string) => getEndpoint(ctx, id),
    list: (query: WebhookPageQuery) => listEndpoints(ctx, query),
    update: (id: string, patch: WebhookEndpointPatch) => updateEndpoint(ctx, id, patch),
    remove: (id: string) => removeEndpoint(ctx, id),
    rotateSecret: (id: string) => rotateSecret(ctx, id),
    listAttempts: (id: string, query: WebhookPageQuery) => listAttempts(ctx, id, query),
    redeliver: (id: string, deliveryId: string) => redeliver(ctx, id, deliveryId),
    sendTest: (id: string) => sendTest(ctx, id),
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
