/** The rows of an order's fulfilment, written in the same batch as the stock they move: parcels, returns. */
import type { Attachment } from "../../stock/coordinator.ts";
import { guard, write } from "../../stock/statements.ts";

/** The parcel's row, written with the stock's leaving. */
export const insertShipment = (p: {
  id: string;
  orderId: string;
  carrier: string;
  trackingNumber: string;
  lineIds: readonly string[];
  actorId: string | null;
  now: string;
}): Attachment => ({
  writes: [
    write(
      `INSERT INTO shipments (id, order_id, carrier, tracking_number, line_ids, actor_id, shipped_at)
       SELECT ?, ?, ?, ?, ?, ?, ? WHERE $ok`,
      [p.id, p.orderId, p.carrier, p.trackingNumber, JSON.stringify(p.lineIds), p.actorId, p.now],
    ),
  ],
});

export const insertReturn = (r: {
  id: string;
  orderId: string;
  lineId: string;
  quantity: number;
  bottleNumbers: number[];
  restocked: boolean;
  locationId: string | null;
  reason: string;
  actorId: string | null;
  now: string;
}): Attachment => ({
  writes: [
    write(
      `INSERT INTO order_returns (id, order_id, line_id, quantity, bottle_numbers, restocked, location_id, reason, actor_id,
         returned_at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE $ok`,
      [
        r.id,
        r.orderId,
        r.lineId,
        r.quantity,
        JSON.stringify(r.bottleNumbers),
        r.restocked ? 1 : 0,
        r.locationId,
        r.reason,
        r.actorId,
        r.now,
      ],
    ),
  ],
});

/**
 * Whether lines other than `shipping` are still committed (waiting to ship), as the caller expects: so a
 * part-shipment and another one racing cannot both leave the order `partially_shipped` with nothing left.
 */
export const othersLeftToShip = (
  orderId: string,
  shipping: readonly string[],
  expected: boolean,
): Attachment => ({
  guards: [
    guard(
      "order-status",
      `SELECT ${expected ? "" : "NOT "}EXISTS (SELECT 1 FROM stock_holds WHERE order_id = ? AND status = 'committed'
         AND line_id NOT IN (SELECT value FROM json_each(?)))`,
      [orderId, JSON.stringify(shipping)],
    ),
  ],
});
