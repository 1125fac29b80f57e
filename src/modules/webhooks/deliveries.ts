/**
 * The outbox consumer of webhooks: it queues one delivery per event and subscribed endpoint, in one
 * statement and idempotent, so an event the dispatcher hands over again queues nothing twice. The sender
 * (sender.ts) attempts what is queued.
 */

import type { Deps } from "../../deps.ts";
import type { DomainEvent, EventConsumer } from "../events/domain-events.ts";

export type WebhookDeps = Pick<Deps, "client" | "clock" | "logger" | "config" | "resolveHost">;

/** The body every endpoint gets (Standard Webhooks: `type`, `timestamp`, `data`; plus the event's id and subject). */
export const webhookBody = (e: {
  id: string;
  type: string;
  occurredAt: string;
  subject: string;
  payload: unknown;
}) => ({
  id: e.id,
  type: e.type,
  timestamp: e.occurredAt,
  subject: e.subject,
  data: e.payload,
});

const ENQUEUE = `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at)
  SELECT 'whd_' || lower(hex(randomblob(12))), e.id, ?, ?, ?, 'pending', 0, ?, ?
  FROM webhook_endpoints e
  WHERE e.enabled = 1 AND e.created_at <= ?
    AND EXISTS (SELECT 1 FROM json_each(e.event_types) t WHERE t.value IN (?, '*'))
  ON CONFLICT (endpoint_id, event_id) DO NOTHING`;

const enqueue = (event: DomainEvent, now: string) => ({
  sql: ENQUEUE,
  args: [event.id, event.type, JSON.stringify(webhookBody(event)), now, now, event.occurredAt, event.type],
});

/** The outbox consumer: endpoints made after an event never get it (they subscribed to what follows). */
export function webhookConsumer(deps: WebhookDeps): EventConsumer {
  return {
    name: "webhooks",
    async handle(event) {
      await deps.client.execute(enqueue(event, deps.clock.now().toISOString()));
    },
    // A drop's order events in one round trip instead of one each.
    async handleAll(events) {
      const now = deps.clock.now().toISOString();
      await deps.client.batch(
        events.map((e) => enqueue(e, now)),
        "write",
      );
    },
  };
}
