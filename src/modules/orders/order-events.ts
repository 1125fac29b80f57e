/**
 * The orders' events as writes of the stock ledger's units, so an order's event commits with its change
 * (and its stock) or not at all. The customer is read from the order row in the same batch.
 */
import type { z } from "@hono/zod-openapi";
import type { Write } from "../../stock/ledger.ts";
import { EVENT_PAYLOADS, type EventType } from "../events/domain-events.ts";
import { outboxWrite, outboxWriteFrom, SQL_EVENT_ID } from "../events/outbox.ts";
import type { NewOrder } from "./orders.records.ts";

export const orderPlacedEvent = (o: NewOrder): Write =>
  outboxWrite("order.placed", o.id, { orderId: o.id, customerId: o.customerId }, o.now);

/** `type`'s event for the order; `extra` holds the payload's fields beyond the order and its customer. */
export function orderEvent(
  orderId: string,
  type: EventType,
  extra: Record<string, unknown>,
  at: string,
): Write {
  const schema = EVENT_PAYLOADS[type] as z.ZodObject;
  schema.omit({ orderId: true, customerId: true }).strict().parse(extra);
  const fields = { orderId: "id", customerId: "customer_id" };
  return outboxWriteFrom(type, { table: "orders", id: orderId, subject: "id", fields }, extra, at);
}

/** For the reaper's bulk write-down: one `order.expired` per reserved order lapsed at `now`. */
export const expiredOrderEvents = (status: string, now: string) => ({
  sql: `INSERT INTO outbox_events (id, type, subject, occurred_at, payload)
        SELECT ${SQL_EVENT_ID}, 'order.expired', id, expires_at, json_object('orderId', id, 'customerId', customer_id)
        FROM orders WHERE status = ? AND expires_at <= ? ORDER BY expires_at`,
  args: [status, now],
});
