import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { orders } from "./orders.ts";

export const PAYMENT_PROVIDERS = ["manual", "stripe"] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

export const PAYMENT_STATUSES = [
  "pending",
  "succeeded",
  "failed",
  "refund_pending",
  "refunded",
  "refund_failed",
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * Money for an order: started (`pending`, an online payment the customer has not finished), taken
 * (`succeeded`: only this confirms an order), or given back. `providerRef` is the provider's id (a Stripe
 * PaymentIntent); a manual payment keeps the staff's reference (a bank transfer's, a till receipt's).
 */
export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    provider: text("provider", { enum: PAYMENT_PROVIDERS }).notNull(),
    providerRef: text("provider_ref"),
    reference: text("reference"),
    status: text("status", { enum: PAYMENT_STATUSES }).notNull(),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    /** Why it was refunded, or why a refund failed. */
    note: text("note"),
    refundRef: text("refund_ref"),
    /**
     * The provider's fingerprint of the card that paid (Stripe's, from `charge.succeeded`): equal for one
     * card across accounts, so staff can see one card behind many drop entries. Never the card number.
     */
    cardFingerprint: text("card_fingerprint"),
    recordedBy: text("recorded_by"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("payments_order_idx").on(t.orderId, t.createdAt),
    uniqueIndex("payments_provider_ref_idx").on(t.provider, t.providerRef),
    index("payments_card_idx").on(t.cardFingerprint),
    check("payments_amount_nonneg", sql`${t.amountMinor} >= 0`),
  ],
);

/**
 * Every webhook event a provider sent, as received, with what we made of it: the provider's event id
 * makes a replay change nothing, and support can read why an order moved (or did not).
 */
export const paymentEvents = sqliteTable(
  "payment_events",
  {
    provider: text("provider", { enum: PAYMENT_PROVIDERS }).notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    orderId: text("order_id"),
    providerRef: text("provider_ref"),
    payload: text("payload").notNull(),
    verdict: text("verdict").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] }), index("payment_events_order_idx").on(t.orderId)],
);

export type PaymentRow = typeof payments.$inferSelect;
export type PaymentEventRow = typeof paymentEvents.$inferSelect;
