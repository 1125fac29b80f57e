/** The payments of orders, as written inside an order's changes (guarded on `$ok`) and as read back. */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import {
  type PaymentProviderName,
  type PaymentRow,
  type PaymentStatus,
  payments,
} from "../../db/schema/payments.ts";
import type { Attachment } from "../../stock/coordinator.ts";
import { write } from "../../stock/statements.ts";
import type { Payment } from "./payments.schemas.ts";

export type NewPayment = {
  id: string;
  orderId: string;
  provider: PaymentProviderName;
  providerRef: string | null;
  reference: string | null;
  status: PaymentStatus;
  amountMinor: number;
  currency: string;
  recordedBy: string | null;
  now: string;
};

export const insertPayment = (p: NewPayment): Attachment => ({
  writes: [
    write(
      `INSERT INTO payments (id, order_id, provider, provider_ref, reference, status, amount_minor, currency, recorded_by,
         created_at, updated_at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE $ok`,
      [
        p.id,
        p.orderId,
        p.provider,
        p.providerRef,
        p.reference,
        p.status,
        p.amountMinor,
        p.currency,
        p.recordedBy,
        p.now,
        p.now,
      ],
    ),
  ],
});

export const setPaymentStatus = (
  paymentId: string,
  status: PaymentStatus,
  now: string,
  details: { note?: string | null; refundRef?: string | null } = {},
): Attachment => ({
  writes: [
    write(
      `UPDATE payments SET status = ?, updated_at = ?, note = COALESCE(?, note), refund_ref = COALESCE(?, refund_ref)
       WHERE id = ? AND $ok`,
      [status, now, details.note ?? null, details.refundRef ?? null, paymentId],
    ),
  ],
});

/** The money taken for an order is now owed back: cancelling a paid order marks it in the same batch. */
export const owePaymentsBack = (orderId: string, now: string): Attachment => ({
  writes: [
    write(
      "UPDATE payments SET status = 'refund_pending', updated_at = ? WHERE order_id = ? AND status = 'succeeded' AND $ok",
      [now, orderId],
    ),
  ],
});

export const paymentsOf = (db: Database, orderId: string, statuses?: PaymentStatus[]) =>
  db
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, orderId), statuses ? inArray(payments.status, statuses) : undefined))
    .orderBy(asc(payments.createdAt), asc(payments.id));

export async function paymentByRef(
  db: Database,
  provider: PaymentProviderName,
  providerRef: string,
): Promise<PaymentRow | undefined> {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.provider, provider), eq(payments.providerRef, providerRef)));
  return row;
}

export const paymentView = (p: PaymentRow): Payment => ({
  id: p.id,
  orderId: p.orderId,
  provider: p.provider,
  providerRef: p.providerRef,
  reference: p.reference,
  status: p.status,
  amount: { amountMinor: p.amountMinor, currency: p.currency },
  note: p.note,
  refundRef: p.refundRef,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
