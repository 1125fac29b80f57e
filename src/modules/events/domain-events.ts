import { z } from "@hono/zod-openapi";

/**
 * The contract between the modules that change things and the consumers of those changes (the outbox
 * dispatcher, outbound webhooks, notifications, search sync). A producer writes one of these in the same
 * atomic batch as its change; consumers receive it at least once, so they must be idempotent on `id`.
 * Payloads carry ids and the changed facts, never personal data beyond an id: webhooks leave the shop.
 */
const money = z.object({ amount: z.number().int(), currency: z.string().length(3) });

export const EVENT_PAYLOADS = {
  "spirit.created": z.object({ spiritId: z.string(), name: z.string() }),
  "spirit.updated": z.object({ spiritId: z.string(), fields: z.array(z.string()) }),
  "spirit.price_changed": z.object({ spiritId: z.string(), previous: money.nullable(), price: money }),
  "spirit.released": z.object({ spiritId: z.string(), releaseId: z.string().nullable() }),
  "stock.changed": z.object({ spiritId: z.string(), available: z.number().int(), version: z.number().int() }),
  "stock.back_in_stock": z.object({ spiritId: z.string(), available: z.number().int() }),
  "order.placed": z.object({ orderId: z.string(), customerId: z.string() }),
  "order.paid": z.object({ orderId: z.string(), customerId: z.string() }),
  "order.cancelled": z.object({ orderId: z.string(), customerId: z.string() }),
  "order.expired": z.object({ orderId: z.string(), customerId: z.string() }),
  "order.shipped": z.object({ orderId: z.string(), customerId: z.string(), shipmentId: z.string() }),
  "order.refunded": z.object({ orderId: z.string(), customerId: z.string(), refund: money }),
  "review.published": z.object({ reviewId: z.string(), spiritId: z.string() }),
  "release.created": z.object({
    releaseId: z.string(),
    spiritId: z.string(),
    mode: z.enum(["first_come", "queue", "ballot"]),
    opensAt: z.string(),
    closesAt: z.string(),
  }),
  "release.opened": z.object({ releaseId: z.string(), spiritId: z.string() }),
  "release.closed": z.object({ releaseId: z.string(), spiritId: z.string() }),
  "release.drawn": z.object({ releaseId: z.string(), spiritId: z.string(), winners: z.number().int() }),
  /** A queue release's waiting room reached the customer: they may order with their admission until expiresAt. */
  "release.admitted": z.object({
    releaseId: z.string(),
    spiritId: z.string(),
    customerId: z.string(),
    expiresAt: z.string(),
  }),
  /** A ballot winner (or the next entry when a winner's allocation rolls over): their order is reserved until payBy. */
  "release.won": z.object({
    releaseId: z.string(),
    spiritId: z.string(),
    customerId: z.string(),
    orderId: z.string(),
    payBy: z.string(),
  }),
  /** A waitlist entry's turn came: bottles of the sold-out spirit are reserved for it in orderId until payBy. */
  "waitlist.offered": z.object({
    entryId: z.string(),
    spiritId: z.string(),
    customerId: z.string(),
    orderId: z.string(),
    quantity: z.number().int(),
    payBy: z.string(),
  }),
  "hold.expiring": z.object({ holdId: z.string(), customerId: z.string(), expiresAt: z.string() }),
} as const;

export type EventType = keyof typeof EVENT_PAYLOADS;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];

export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_PAYLOADS)[T]>;

/** One event as stored in the outbox and as delivered: `subject` is the id consumers group by. */
export type DomainEvent<T extends EventType = EventType> = {
  id: string;
  type: T;
  /** ISO-8601 UTC. */
  occurredAt: string;
  subject: string;
  payload: EventPayload<T>;
};

/** A consumer of delivered events; it may run more than once for one event id. */
export interface EventConsumer {
  readonly name: string;
  handle(event: DomainEvent): Promise<void>;
  /**
   * Optional: a run's events at once, for a consumer whose work per event is a round trip or more (on a
   * remote database, a drop's hundred order events were hundreds). When it throws, the dispatcher hands the
   * same events over one by one, which finds the one that fails: like `handle`, it must be safe to run
   * again for events it already did.
   */
  handleAll?(events: DomainEvent[]): Promise<void>;
}
