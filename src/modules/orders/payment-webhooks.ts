/**
 * A provider's webhook events: verified, applied at least once and at most once (by the provider's event
 * id), in any order, and stored with their verdict for support.
 */
import { and, desc, eq, type SQL } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { type PaymentProviderName, paymentEvents, payments } from "../../db/schema/payments.ts";
import {
  type ProviderCard,
  type ProviderEvent,
  type ProviderPayment,
  WebhookSignatureError,
} from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { nowIso, type OrdersContext } from "./orders.context.ts";
import { commitOrderChange, effectiveStatus, together, transition } from "./orders.records.ts";
import { insertPayment, paymentByRef, setPaymentStatus } from "./payments.records.ts";
import { applyPayment } from "./payments.ts";
import { findOrderRow } from "./reading.ts";
import { refundOwedPayments } from "./refunds.ts";

/** Verdicts after which a redelivery changes nothing; a failed refund is worth the provider's retry. */
const RETRYABLE = "refund-failed";

type Decision = { verdict: string; orderId: string | null };

export async function receiveWebhook(
  ctx: OrdersContext,
  providerName: PaymentProviderName,
  rawBody: string,
  headers: Headers,
) {
  const { deps } = ctx;
  const provider = deps.payments;
  if (provider.name !== providerName) {
    throw new DomainError("not-found", `This shop does not take ${providerName} payments.`);
  }
  let event: ProviderEvent;
  try {
    event = await provider.verifyWebhook(rawBody, headers);
  } catch (err) {
    if (!(err instanceof WebhookSignatureError)) throw err;
    deps.logger.log("warn", { msg: "webhook refused", provider: providerName, reason: err.message });
    throw new DomainError(
      "webhook-signature-invalid",
      `The webhook's signature does not check out: ${err.message}`,
    );
  }
  const [seen] = await deps.db
    .select()
    .from(paymentEvents)
    .where(and(eq(paymentEvents.provider, providerName), eq(paymentEvents.eventId, event.id)));
  if (seen && seen.verdict !== RETRYABLE) {
    return { received: true as const, eventId: event.id, verdict: seen.verdict, replayed: true };
  }
  const { verdict, orderId } = await decide(ctx, providerName, event);
  const stored = {
    provider: providerName,
    eventId: event.id,
    type: event.type,
    orderId,
    providerRef: event.payment?.providerRef ?? event.card?.providerRef ?? null,
    payload: event.payload,
    verdict,
    receivedAt: nowIso(ctx),
  };
  await deps.db
    .insert(paymentEvents)
    .values(stored)
    .onConflictDoUpdate({
      target: [paymentEvents.provider, paymentEvents.eventId],
      set: { verdict, orderId, receivedAt: stored.receivedAt },
    });
  if (verdict === RETRYABLE) {
    throw new DomainError(
      "payment-provider-error",
      "A refund this event needs failed; answer the provider with an error so it sends the event again.",
    );
  }
  return { received: true as const, eventId: event.id, verdict, replayed: false };
}

/** Which card paid: kept on the payment, so staff see one card behind several accounts' drop entries. */
async function recordCard(
  ctx: OrdersContext,
  provider: PaymentProviderName,
  card: ProviderCard,
): Promise<Decision> {
  const known = await paymentByRef(ctx.deps.db, provider, card.providerRef);
  if (!known) return { verdict: "ignored", orderId: null };
  await ctx.deps.db
    .update(payments)
    .set({ cardFingerprint: card.fingerprint })
    .where(eq(payments.id, known.id));
  return { verdict: "card-recorded", orderId: known.orderId };
}

async function decide(
  ctx: OrdersContext,
  provider: PaymentProviderName,
  event: ProviderEvent,
): Promise<Decision> {
  if (event.card) return recordCard(ctx, provider, event.card);
  const p = event.payment;
  if (!p) return { verdict: "ignored", orderId: null };
  const known = await paymentByRef(ctx.deps.db, provider, p.providerRef);
  const orderId = known?.orderId ?? p.orderId;
  const order = orderId ? await findOrderRow(ctx, orderId) : undefined;
  const now = nowIso(ctx);

  if (p.outcome !== "succeeded") {
    // A late failure of a payment that has since succeeded (events arrive in any order) changes nothing.
    if (known?.status === "pending") {
      await commitOrderChange(
        ctx.deps.client,
        setPaymentStatus(known.id, "failed", now, { note: event.type }),
      );
      return { verdict: "payment-failed", orderId };
    }
    return { verdict: known ? "stale" : "ignored", orderId };
  }
  if (known && known.status !== "pending" && known.status !== "failed") {
    return {
      verdict: known.status === "refund_failed" ? await refundAgain(ctx, known.orderId) : "already-applied",
      orderId,
    };
  }
  if (!order) return refundUnknown(ctx, provider, p);

  const paymentId = known?.id ?? newId("pay");
  const applied = await applyPayment(
    ctx,
    order.id,
    {
      id: paymentId,
      existing: Boolean(known),
      provider,
      providerRef: p.providerRef,
      reference: null,
      amountMinor: p.amountMinor,
      currency: p.currency,
    },
    null,
  );
  if (applied.ok) return { verdict: "confirmed", orderId: order.id };

  // Money was taken that cannot be kept: owe it back, end the order if the customer may not have it, refund.
  const why = applied.refusal.code;
  const owe = known
    ? setPaymentStatus(paymentId, "refund_pending", now, { note: applied.refusal.detail })
    : insertPayment({
        id: paymentId,
        orderId: order.id,
        provider,
        providerRef: p.providerRef,
        reference: null,
        status: "refund_pending",
        amountMinor: p.amountMinor,
        currency: p.currency,
        recordedBy: null,
        now,
      });
  const fresh = effectiveStatus((await findOrderRow(ctx, order.id))!, now);
  const illegal =
    why === "under-legal-age" || why === "destination-blocked" || why === "date-of-birth-required";
  if (illegal && (fresh === "reserved" || fresh === "preordered")) {
    const note = `cancelled: ${applied.refusal.detail}`;
    const outcome = await ctx.deps.stock.cancelOrder({
      orderId: order.id,
      actorId: null,
      reason: note,
      attach: together(transition(order.id, "cancel", { from: [fresh], actorId: null, note, now }), owe),
    });
    if (!outcome.ok) await commitOrderChange(ctx.deps.client, owe);
  } else {
    await commitOrderChange(ctx.deps.client, owe);
  }
  const refunded = await refundOwedPayments(ctx, order.id, null, `refund: ${applied.refusal.detail}`);
  return { verdict: refunded ? `refunded:${why}` : RETRYABLE, orderId: order.id };
}

async function refundAgain(ctx: OrdersContext, orderId: string): Promise<string> {
  return (await refundOwedPayments(ctx, orderId, null, "refund retried on the provider's redelivery"))
    ? "refunded:retried"
    : RETRYABLE;
}

/** A payment for no order we know (deleted, another shop's metadata): give it back at once. */
async function refundUnknown(
  ctx: OrdersContext,
  provider: PaymentProviderName,
  p: ProviderPayment,
): Promise<Decision> {
  ctx.deps.logger.log("error", { msg: "payment for an unknown order", provider, providerRef: p.providerRef });
  try {
    await ctx.deps.payments.refund({
      providerRef: p.providerRef,
      amountMinor: p.amountMinor,
      currency: p.currency,
      reason: "no such order",
      idempotencyKey: `refund-unknown-${p.providerRef}`,
    });
    return { verdict: "refunded:unknown-order", orderId: null };
  } catch (err) {
    ctx.deps.logger.log("error", { msg: "refund failed", providerRef: p.providerRef, err: String(err) });
    return { verdict: RETRYABLE, orderId: null };
  }
}

/** Staff read the events as received, newest first, for one order or all. */
export async function listPaymentEvents(ctx: OrdersContext, q: { orderId?: string; limit: number }) {
  const where: SQL[] = [];
  if (q.orderId) where.push(eq(paymentEvents.orderId, q.orderId));
  const rows = await ctx.deps.db
    .select()
    .from(paymentEvents)
    .where(and(...where))
    .orderBy(desc(paymentEvents.receivedAt))
    .limit(q.limit);
  return { items: rows };
}
