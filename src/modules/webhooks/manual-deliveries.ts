/**
 * Deliveries staff ask for (a redelivery, a test event): attempted within the request, through the same
 * sender as the background runs.
 */
import { and, eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { webhookDeliveries } from "../../db/schema/webhooks.ts";
import { DomainError } from "../../domain-error.ts";
import { webhookBody } from "./deliveries.ts";
import { requireEndpointRow } from "./endpoint-views.ts";
import { attemptDelivery } from "./sender.ts";
import type { WebhooksContext } from "./webhooks.context.ts";

/** Sends the delivery again now (one more attempt, whatever its state), with the same `webhook-id`. */
export async function redeliver(ctx: WebhooksContext, id: string, deliveryId: string) {
  const { db, clock } = ctx.deps;
  await requireEndpointRow(ctx, id);
  const [d] = await db
    .update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: clock.now().toISOString(), lockedUntil: null })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, id)))
    .returning({ id: webhookDeliveries.id });
  if (!d) throw new DomainError("not-found", `Delivery ${deliveryId} of endpoint ${id} was not found.`);
  return attemptOrBusy(ctx, deliveryId);
}

/** A `webhook.test` event for this endpoint alone, sent at once (to a disabled endpoint too). */
export async function sendTest(ctx: WebhooksContext, id: string) {
  await requireEndpointRow(ctx, id);
  const at = ctx.deps.clock.now().toISOString();
  const event = {
    id: newId("evt"),
    type: "webhook.test",
    occurredAt: at,
    subject: id,
    payload: { endpointId: id, message: "A test event sent by staff." },
  };
  const deliveryId = newId("whd");
  await ctx.deps.db.insert(webhookDeliveries).values({
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
  return attemptOrBusy(ctx, deliveryId);
}

async function attemptOrBusy({ deps, sender }: WebhooksContext, deliveryId: string) {
  const result = await attemptDelivery(deps, deliveryId, sender);
  if (!result)
    throw new DomainError("conflict", "The delivery is being sent right now; look at the log shortly.");
  return result;
}
