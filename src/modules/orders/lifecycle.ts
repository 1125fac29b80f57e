/** The order's moves that staff and customers ask for: cancel, ship, deliver. Paying is payments.ts. */
import { newId } from "../../db/ids.ts";
import { DomainError, invalidFields } from "../../domain-error.ts";
import { isStaff } from "../../http/auth.ts";
import { insertShipment, othersLeftToShip } from "./fulfilment.records.ts";
import { alreadyDone, canMove, refusedTransition, transitionFor } from "./order-lifecycle.ts";
import { type Actor, nowIso, type OrdersContext } from "./orders.context.ts";
import { commitOrderChange, effectiveStatus, together, transition } from "./orders.records.ts";
import type { Order, ShipInput } from "./orders.schemas.ts";
import { owePaymentsBack } from "./payments.records.ts";
import { orderView, visibleRow } from "./reading.ts";
import { refundOwedPayments } from "./refunds.ts";

/** A change lost a race: the order's state now says why. */
async function movedOn(ctx: OrdersContext, actor: Actor, id: string, name: "cancel" | "ship" | "deliver") {
  const fresh = effectiveStatus(await visibleRow(ctx, actor, id), nowIso(ctx));
  if (transitionFor(name, fresh) === "done") return orderView(ctx, id);
  throw refusedTransition(name, fresh);
}

/**
 * Cancels and gives back what the order holds. Customers cancel what they have not paid for; a paid order
 * needs staff, and its money is owed back in the same batch and then refunded through its provider.
 */
export async function cancelOrder(
  ctx: OrdersContext,
  actor: Actor,
  id: string,
  reason?: string,
): Promise<Order> {
  const row = await visibleRow(ctx, actor, id);
  const now = nowIso(ctx);
  const status = effectiveStatus(row, now);
  if (transitionFor("cancel", status) === "done") return orderView(ctx, id);
  const paid = status === "confirmed";
  if (paid && !isStaff(actor)) {
    throw new DomainError("forbidden", "A paid order can only be cancelled by staff (it needs a refund).");
  }
  const note =
    reason ??
    (isStaff(actor) && actor.id !== row.customerId ? "cancelled by staff" : "cancelled by the customer");
  const outcome = await ctx.deps.stock.cancelOrder({
    orderId: id,
    actorId: actor.id,
    reason: note,
    attach: together(
      transition(id, "cancel", { from: [row.status], actorId: actor.id, note, now }),
      paid ? owePaymentsBack(id, now) : undefined,
    ),
  });
  if (!outcome.ok) return movedOn(ctx, actor, id, "cancel");
  if (paid) await refundOwedPayments(ctx, id, actor.id, `refund: ${note}`);
  return orderView(ctx, id);
}

/**
 * A parcel leaves (staff): its lines' committed bottles go out of stock, with the carrier and tracking
 * number. Without `lineIds`, everything not yet shipped; with them, the order may ship in parts.
 */
export async function shipOrder(
  ctx: OrdersContext,
  actor: Actor,
  id: string,
  parcel: ShipInput,
): Promise<Order> {
  const row = await visibleRow(ctx, actor, id);
  const now = nowIso(ctx);
  const status = effectiveStatus(row, now);
  if (!parcel.lineIds && alreadyDone("ship", status)) return orderView(ctx, id);
  if (!canMove("ship", status)) throw refusedTransition("ship", status);
  const waiting = [
    ...new Set(
      (await ctx.deps.stock.orderHolds(id)).filter((h) => h.status === "committed").map((h) => h.lineId),
    ),
  ];
  const shipping = parcel.lineIds ? [...new Set(parcel.lineIds)] : waiting;
  const errors = shipping.flatMap((lineId, i) =>
    waiting.includes(lineId)
      ? []
      : [{ path: `lineIds.${i}`, message: `${lineId} is not a line of this order left to ship` }],
  );
  if (errors.length) throw invalidFields(errors);
  const more = waiting.some((l) => !shipping.includes(l));
  const note = `${parcel.carrier} ${parcel.trackingNumber}`;
  const shipmentId = newId("shp");
  const outcome = await ctx.deps.stock.shipOrder({
    orderId: id,
    actorId: actor.id,
    reason: `shipped: ${note}`,
    lineIds: shipping,
    attach: together(
      transition(id, more ? "shipPart" : "ship", { actorId: actor.id, note, now, event: { shipmentId } }),
      othersLeftToShip(id, shipping, more),
      insertShipment({ id: shipmentId, orderId: id, ...parcel, lineIds: shipping, actorId: actor.id, now }),
    ),
  });
  if (!outcome.ok) return movedOn(ctx, actor, id, "ship");
  return orderView(ctx, id);
}

/** The carrier handed the bottles over: nothing moves in stock (they left at shipping). */
export async function deliverOrder(ctx: OrdersContext, actor: Actor, id: string): Promise<Order> {
  const row = await visibleRow(ctx, actor, id);
  const now = nowIso(ctx);
  if (transitionFor("deliver", effectiveStatus(row, now)) === "done") return orderView(ctx, id);
  const moved = await commitOrderChange(
    ctx.deps.client,
    transition(id, "deliver", { actorId: actor.id, note: "delivered", now }),
  );
  if (!moved) return movedOn(ctx, actor, id, "deliver");
  return orderView(ctx, id);
}
