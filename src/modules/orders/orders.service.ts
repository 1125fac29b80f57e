/**
 * The orders module's operations, bound to one context. Each lives in the file of its concern, as a plain
 * function taking the context: placing.ts (placing an order), lifecycle.ts (cancel, ship, deliver), returns.ts,
 * payments.ts and payment-webhooks.ts (what confirms and refunds), preorders.ts, expiry.ts (the reaper's
 * work), reading.ts; the status moves themselves are one table, order-lifecycle.ts.
 */
import type { PaymentProviderName } from "../../db/schema/payments.ts";
import type { Deps } from "../../deps.ts";
import { expireDue, nextDueAt } from "./expiry.ts";
import { announceExpiringHolds, expiringHoldsProbe } from "./hold-expiring.ts";
import { cancelOrder, deliverOrder, shipOrder } from "./lifecycle.ts";
import type { Actor, OrdersContext } from "./orders.context.ts";
import type { OrdersPorts } from "./orders.ports.ts";
import type { CreateOrderInput, OrderListQuery, ReturnInput, ShipInput } from "./orders.schemas.ts";
import { listPaymentEvents, receiveWebhook } from "./payment-webhooks.ts";
import type { ManualPaymentInput } from "./payments.schemas.ts";
import { confirmOrder, listPayments, recordManualPayment, startCheckout } from "./payments.ts";
import { type PlacementOptions, placeOrder } from "./placing.ts";
import { releasePreorders } from "./preorders.ts";
import { getOrder, listOrders, orderStatuses } from "./reading.ts";
import { retryRefunds } from "./refunds.ts";
import { returnBottles } from "./returns.ts";

export function createOrdersService(deps: Deps, ports: OrdersPorts) {
  const ctx: OrdersContext = { deps, ports, preorders: { triedAt: new Map(), running: new Map() } };
  return {
    placeOrder: (actor: Actor, input: CreateOrderInput, options?: PlacementOptions) =>
      placeOrder(ctx, actor, input, options),
    orderStatuses: (ids: string[]) => orderStatuses(ctx, ids),
    getOrder: (actor: Actor, id: string) => getOrder(ctx, actor, id),
    listOrders: (actor: Actor, q: OrderListQuery) => listOrders(ctx, actor, q),
    confirmOrder: (actor: Actor, id: string, reference?: string) => confirmOrder(ctx, actor, id, reference),
    recordManualPayment: (actor: Actor, id: string, input: ManualPaymentInput) =>
      recordManualPayment(ctx, actor, id, input),
    startCheckout: (actor: Actor, id: string) => startCheckout(ctx, actor, id),
    listPayments: (actor: Actor, id: string) => listPayments(ctx, actor, id),
    retryRefunds: (actor: Actor, id: string) => retryRefunds(ctx, actor, id),
    receiveWebhook: (provider: PaymentProviderName, rawBody: string, headers: Headers) =>
      receiveWebhook(ctx, provider, rawBody, headers),
    listPaymentEvents: (q: { orderId?: string; limit: number }) => listPaymentEvents(ctx, q),
    cancelOrder: (actor: Actor, id: string, reason?: string) => cancelOrder(ctx, actor, id, reason),
    shipOrder: (actor: Actor, id: string, parcel: ShipInput) => shipOrder(ctx, actor, id, parcel),
    deliverOrder: (actor: Actor, id: string) => deliverOrder(ctx, actor, id),
    returnBottles: (actor: Actor, id: string, input: ReturnInput) => returnBottles(ctx, actor, id, input),
    releasePreorders: (spiritId: string, actorId: string | null) => releasePreorders(ctx, spiritId, actorId),
    expireDue: () => expireDue(ctx),
    nextDueAt: () => nextDueAt(ctx),
    /** `hold.expiring` for reserved orders about to lapse (run with each round of event work). */
    announceExpiringHolds: () => announceExpiringHolds(ctx),
    expiringHoldsProbe: () => expiringHoldsProbe(ctx),
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
export type { Actor };
