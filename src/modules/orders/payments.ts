/**
 * Payments: only a payment a provider verified, or one staff recorded, confirms an order; money that
 * cannot be kept (the wrong amount, a lapsed hold whose bottles are gone, a cancelled order, a customer
 * who may no longer buy) goes back through the provider that took it.
 */
import { asc, eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import type { OrderRow } from "../../db/schema/orders.ts";
import { orderLines } from "../../db/schema/orders.ts";
import type { PaymentProviderName } from "../../db/schema/payments.ts";
import type { PaymentProvider } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { expireDue } from "./expiry.ts";
import { alreadyDone, canMove, refusedTransition } from "./order-lifecycle.ts";
import { type Actor, nowIso, type OrdersContext } from "./orders.context.ts";
import type { SpiritForOrder } from "./orders.ports.ts";
import { holdExpired, orderNotFound } from "./orders.problems.ts";
import { commitOrderChange, effectiveStatus, together, transition } from "./orders.records.ts";
import type { Order } from "./orders.schemas.ts";
import {
  insertPayment,
  paymentByRef,
  paymentsOf,
  paymentView,
  setPaymentStatus,
} from "./payments.records.ts";
import type { Checkout, ManualPaymentInput, Payment } from "./payments.schemas.ts";
import { holdExpiry, holdOrderLines, shippingLocations } from "./placing.ts";
import { findOrderRow, orderView, visibleRow } from "./reading.ts";

/** A payment about to be applied to its order: new (a manual one), or a row started online. */
export type IncomingPayment = {
  id: string;
  existing: boolean;
  provider: PaymentProviderName;
  providerRef: string | null;
  reference: string | null;
  amountMinor: number;
  currency: string;
};

export type Applied = { ok: true; order: Order } | { ok: false; refusal: DomainError };

/** The customer may still buy what they ordered, where it goes (their date of birth may have changed). */
async function stillLegal(ctx: OrdersContext, row: OrderRow): Promise<DomainError | null> {
  const profile = await ctx.ports.customerProfile(row.customerId);
  try {
    await ctx.ports.checkCompliance({
      dateOfBirth: profile?.dateOfBirth ?? null,
      country: row.shippingCountry,
      region: row.shippingRegion,
      at: ctx.deps.clock.now(),
    });
    return null;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

/** An order whose hold lapsed, paid late: hold its bottles again if they are still there. */
async function holdAgain(ctx: OrdersContext, row: OrderRow, actorId: string | null): Promise<boolean> {
  const { deps, ports } = ctx;
  await expireDue(ctx);
  const lines = await deps.db
    .select()
    .from(orderLines)
    .where(eq(orderLines.orderId, row.id))
    .orderBy(asc(orderLines.position));
  const spirits = new Map<string, SpiritForOrder>();
  for (const l of lines) {
    const spirit = await ports.findSpirit(l.spiritId);
    if (!spirit || spirit.status === "archived") return false;
    spirits.set(spirit.id, spirit);
  }
  const now = deps.clock.now();
  const expiresAt = holdExpiry(spirits.values(), now);
  try {
    await holdOrderLines(ctx, {
      orderId: row.id,
      customerId: row.customerId,
      actorId,
      spirits,
      lines,
      expiresAt,
      shipFrom: await shippingLocations(ctx, row.shippingCountry, row.shippingRegion),
      attach: transition(row.id, "rehold", {
        actorId,
        note: "held again: a payment arrived after the hold lapsed",
        now: now.toISOString(),
        expiresAt,
      }),
    });
    return true;
  } catch (err) {
    if (err instanceof DomainError) return false;
    throw err;
  }
}

/**
 * Applies a payment to its order: the amount must be the order's total, the order must be waiting for
 * payment (a lapsed one is held again when it can be), and the customer must still be allowed to buy.
 * The payment's row and the order's move to confirmed commit with the holds' commitment, as one batch.
 */
export async function applyPayment(
  ctx: OrdersContext,
  orderId: string,
  payment: IncomingPayment,
  actorId: string | null,
): Promise<Applied> {
  const { deps } = ctx;
  let row = await findOrderRow(ctx, orderId);
  if (!row) return { ok: false, refusal: orderNotFound(orderId) };
  if (payment.amountMinor !== row.totalMinor || payment.currency !== row.currency) {
    deps.logger.log("error", {
      msg: "payment refused: not the order's total",
      orderId,
      provider: payment.provider,
      providerRef: payment.providerRef,
      expected: `${row.totalMinor} ${row.currency}`,
      received: `${payment.amountMinor} ${payment.currency}`,
    });
    const refusal = new DomainError(
      "payment-mismatch",
      `The payment is ${payment.amountMinor} ${payment.currency}; the order's total is ${row.totalMinor} ${row.currency}.`,
      {
        extra: {
          expected: { amountMinor: row.totalMinor, currency: row.currency },
          received: { amountMinor: payment.amountMinor, currency: payment.currency },
        },
      },
    );
    return { ok: false, refusal };
  }
  const illegal = await stillLegal(ctx, row);
  if (illegal) return { ok: false, refusal: illegal };

  for (let attempt = 0; attempt < 2; attempt++) {
    const now = nowIso(ctx);
    const status = effectiveStatus(row, now);
    if (status === "expired") {
      if (!(await holdAgain(ctx, row, actorId))) return { ok: false, refusal: holdExpired(row.expiresAt) };
      row = (await findOrderRow(ctx, orderId))!;
      continue;
    }
    if (!canMove("pay", status)) return { ok: false, refusal: refusedTransition("pay", status) };
    const reference = payment.reference ?? payment.providerRef ?? payment.id;
    const recorded = payment.existing
      ? setPaymentStatus(payment.id, "succeeded", now)
      : insertPayment({ ...payment, orderId, status: "succeeded", recordedBy: actorId, now });
    const outcome = await deps.stock.confirmOrder({
      orderId,
      actorId,
      reason: `payment ${reference}`,
      attach: together(
        transition(orderId, "pay", {
          actorId,
          note: `payment confirmed (${payment.provider}: ${reference})`,
          now,
          expiresAt: null,
        }),
        recorded,
      ),
    });
    if (outcome.ok) return { ok: true, order: await orderView(ctx, orderId) };
    // Lost a race: the order's own state says why (a cancel that released the holds is not an expiry).
    row = (await findOrderRow(ctx, orderId))!;
    const fresh = effectiveStatus(row, nowIso(ctx));
    if (fresh !== "expired" && !(fresh === "reserved" && outcome.code === "hold-expired")) {
      return { ok: false, refusal: refusedTransition("pay", fresh) };
    }
  }
  return { ok: false, refusal: holdExpired(row.expiresAt) };
}

/** Staff record a payment taken offline (bank transfer, in store): it confirms the order, or nothing changes. */
export async function recordManualPayment(
  ctx: OrdersContext,
  actor: Actor,
  id: string,
  input: ManualPaymentInput,
): Promise<{ order: Order; payment: Payment }> {
  await visibleRow(ctx, actor, id);
  const paymentId = newId("pay");
  const applied = await applyPayment(
    ctx,
    id,
    { id: paymentId, existing: false, provider: "manual", providerRef: null, ...input },
    actor.id,
  );
  if (!applied.ok) throw applied.refusal;
  const [row] = (await paymentsOf(ctx.deps.db, id)).filter((p) => p.id === paymentId);
  return { order: applied.order, payment: paymentView(row!) };
}

/**
 * Staff confirm an order paid offline: a manual payment of exactly the order's total. Confirming a paid
 * order answers it unchanged.
 */
export async function confirmOrder(ctx: OrdersContext, actor: Actor, id: string, reference?: string) {
  const row = await visibleRow(ctx, actor, id);
  if (alreadyDone("pay", effectiveStatus(row, nowIso(ctx)))) return orderView(ctx, id);
  const applied = await applyPayment(
    ctx,
    id,
    {
      id: newId("pay"),
      existing: false,
      provider: "manual",
      providerRef: null,
      reference: reference ?? "confirmed by staff",
      amountMinor: row.totalMinor,
      currency: row.currency,
    },
    actor.id,
  );
  if (!applied.ok) {
    // A retry that lost to another confirm: the order is paid, as asked.
    const fresh = effectiveStatus((await findOrderRow(ctx, id))!, nowIso(ctx));
    if (alreadyDone("pay", fresh) && applied.refusal.code === "order-status") return orderView(ctx, id);
    throw applied.refusal;
  }
  return applied.order;
}

/** The customer starts paying online: the configured provider's client secret, or how to pay offline. */
export async function startCheckout(ctx: OrdersContext, actor: Actor, id: string): Promise<Checkout> {
  const { deps } = ctx;
  const row = await visibleRow(ctx, actor, id);
  const status = effectiveStatus(row, nowIso(ctx));
  if (status !== "reserved") throw refusedTransition("pay", status);
  const provider = deps.payments;
  let started: Awaited<ReturnType<PaymentProvider["startPayment"]>>;
  try {
    started = await provider.startPayment({
      orderId: id,
      customerId: row.customerId,
      amountMinor: row.totalMinor,
      currency: row.currency,
    });
  } catch (err) {
    deps.logger.log("error", { msg: "starting a payment failed", orderId: id, err: String(err) });
    throw new DomainError(
      "payment-provider-error",
      "The payment provider could not start the payment; try again.",
    );
  }
  let paymentId: string | null = null;
  if (started.providerRef) {
    // The provider answers the same payment for the same order and amount: keep one row for it.
    const known = await paymentByRef(deps.db, provider.name, started.providerRef);
    paymentId = known?.id ?? newId("pay");
    if (!known) {
      const now = nowIso(ctx);
      await commitOrderChange(
        deps.client,
        insertPayment({
          id: paymentId,
          orderId: id,
          provider: provider.name,
          providerRef: started.providerRef,
          reference: null,
          status: "pending",
          amountMinor: row.totalMinor,
          currency: row.currency,
          recordedBy: null,
          now,
        }),
      );
    }
  }
  return {
    provider: provider.name,
    orderId: id,
    amount: { amountMinor: row.totalMinor, currency: row.currency },
    paymentId,
    clientSecret: started.clientSecret,
    instructions: started.instructions,
    expiresAt: row.expiresAt,
  };
}

export async function listPayments(ctx: OrdersContext, actor: Actor, id: string) {
  await visibleRow(ctx, actor, id);
  return { items: (await paymentsOf(ctx.deps.db, id)).map(paymentView) };
}
