/** Giving money back through the provider that took it: owed refunds, and staff's retry of failed ones. */
import type { PaymentProviderName, PaymentRow } from "../../db/schema/payments.ts";
import type { PaymentProvider } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { alreadyDone, canMove, refusedTransition } from "./order-lifecycle.ts";
import { type Actor, nowIso, type OrdersContext } from "./orders.context.ts";
import { commitOrderChange, effectiveStatus, transition } from "./orders.records.ts";
import { manualPayments } from "./payment-providers/manual.ts";
import { paymentsOf, setPaymentStatus } from "./payments.records.ts";
import { listPayments } from "./payments.ts";
import { findOrderRow, visibleRow } from "./reading.ts";

export function providerNamed(ctx: OrdersContext, name: PaymentProviderName): PaymentProvider {
  if (name === "manual") return manualPayments;
  if (ctx.deps.payments.name === name) return ctx.deps.payments;
  throw new DomainError("payment-provider-error", `The ${name} provider is not configured on this server.`);
}

async function refundOne(ctx: OrdersContext, p: PaymentRow, reason: string): Promise<boolean> {
  const now = nowIso(ctx);
  try {
    const { refundRef } = await providerNamed(ctx, p.provider).refund({
      providerRef: p.providerRef,
      amountMinor: p.amountMinor,
      currency: p.currency,
      reason,
      idempotencyKey: `refund-${p.id}`,
    });
    const note = refundRef ? reason : `${reason} (manual: pay it back offline)`;
    await commitOrderChange(ctx.deps.client, setPaymentStatus(p.id, "refunded", now, { note, refundRef }));
    return true;
  } catch (err) {
    ctx.deps.logger.log("error", {
      msg: "refund failed",
      paymentId: p.id,
      orderId: p.orderId,
      err: String(err),
    });
    await commitOrderChange(
      ctx.deps.client,
      setPaymentStatus(p.id, "refund_failed", now, { note: `refund failed: ${String(err)}` }),
    );
    return false;
  }
}

/** What went back, in the payments' currency (an order is paid in its one currency). */
const refunded = (payments: { amountMinor: number; currency: string }[]) => ({
  amount: payments.reduce((n, p) => n + p.amountMinor, 0),
  currency: payments[0]!.currency,
});

/**
 * Refunds what is owed back on the order (`refund_pending`, or a refund that failed before) through each
 * payment's own provider; once all went back, an order that ended without its bottles is `refunded`.
 */
export async function refundOwedPayments(
  ctx: OrdersContext,
  orderId: string,
  actorId: string | null,
  reason: string,
): Promise<boolean> {
  const owed = await paymentsOf(ctx.deps.db, orderId, ["refund_pending", "refund_failed"]);
  let all = true;
  for (const p of owed) all = (await refundOne(ctx, p, reason)) && all;
  if (all && owed.length) {
    const row = await findOrderRow(ctx, orderId);
    if (row && canMove("refund", effectiveStatus(row, nowIso(ctx)))) {
      await commitOrderChange(
        ctx.deps.client,
        transition(orderId, "refund", {
          actorId,
          note: reason,
          now: nowIso(ctx),
          event: { refund: refunded(owed) },
        }),
      );
    }
  }
  return all;
}

/** Staff retry the refunds of an order that ended (cancelled, expired) whose refund failed. */
export async function retryRefunds(ctx: OrdersContext, actor: Actor, id: string) {
  const row = await visibleRow(ctx, actor, id);
  const status = effectiveStatus(row, nowIso(ctx));
  if (alreadyDone("refund", status)) return listPayments(ctx, actor, id);
  const owed = await paymentsOf(ctx.deps.db, id, ["refund_pending", "refund_failed"]);
  if (!owed.length) throw refusedTransition("refund", status);
  const ok = await refundOwedPayments(ctx, id, actor.id, "refund retried by staff");
  if (!ok)
    throw new DomainError(
      "payment-provider-error",
      "The provider refused the refund again; see the payment's note.",
    );
  return listPayments(ctx, actor, id);
}
