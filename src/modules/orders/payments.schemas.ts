import { z } from "@hono/zod-openapi";
import { PAYMENT_PROVIDERS, PAYMENT_STATUSES } from "../../db/schema/payments.ts";
import { MoneySchema, OrderSchema } from "./orders.schemas.ts";

const at = "2026-06-01T12:00:00.000Z";

export const PaymentSchema = z
  .object({
    id: z.string().openapi({ example: "pay_01hx4k7m2qa9c3r5t7v9wxyz" }),
    orderId: z.string(),
    provider: z.enum(PAYMENT_PROVIDERS),
    providerRef: z
      .string()
      .nullable()
      .openapi({ description: "The provider's id (a Stripe PaymentIntent); null for a manual payment." }),
    reference: z
      .string()
      .nullable()
      .openapi({ description: "The staff's reference of a manual payment (bank transfer, receipt)." }),
    status: z.enum(PAYMENT_STATUSES).openapi({
      description:
        "`pending`: started online, not finished. `succeeded`: taken (this confirmed the order). " +
        "`refund_pending`/`refund_failed`: owed back (a failed refund is retried by staff). `refunded`.",
    }),
    amount: MoneySchema,
    note: z.string().nullable().openapi({ description: "Why it was refunded, or why its refund failed." }),
    refundRef: z.string().nullable(),
    createdAt: z.string().openapi({ example: at }),
    updatedAt: z.string().openapi({ example: at }),
  })
  .openapi("Payment");

export const PaymentListSchema = z.object({ items: z.array(PaymentSchema) }).openapi("PaymentList");

export const ManualPaymentInputSchema = z
  .strictObject({
    amountMinor: z
      .number()
      .int("must be a whole number of minor units")
      .min(0, "must not be negative")
      .openapi({ example: 37000, description: "Must equal the order's total." }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as GBP")
      .openapi({ example: "GBP", description: "Must be the order's currency." }),
    reference: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(200, "must be at most 200 characters")
      .openapi({ example: "BACS 2026-06-01 HSBC ref 88121", description: "Where the money came from." }),
  })
  .openapi("ManualPaymentInput");

export const ConfirmInputSchema = z
  .strictObject({
    reference: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  })
  .partial()
  .openapi("ConfirmInput");

export const RecordedPaymentSchema = z
  .object({ order: OrderSchema, payment: PaymentSchema })
  .openapi("RecordedPayment");

export const CheckoutSchema = z
  .object({
    provider: z.enum(PAYMENT_PROVIDERS),
    orderId: z.string(),
    amount: MoneySchema,
    paymentId: z
      .string()
      .nullable()
      .openapi({ description: "Our id of the started payment (online providers)." }),
    clientSecret: z.string().nullable().openapi({
      description:
        "Stripe: the PaymentIntent's client secret for Stripe.js / the mobile SDKs. Null for manual.",
    }),
    instructions: z.string().nullable().openapi({ description: "Manual: how to pay offline." }),
    expiresAt: z.string().nullable().openapi({ description: "Pay before this, or the hold lapses." }),
  })
  .openapi("Checkout");

export const WebhookReceiptSchema = z
  .object({
    received: z.literal(true),
    eventId: z.string(),
    verdict: z.string().openapi({
      description:
        "What the event did: `confirmed`, `payment-failed`, `already-applied`, `card-recorded` (the paying card's " +
        "fingerprint kept, from `charge.succeeded`), `ignored`, or `refunded:<why>` " +
        "(a payment that could not be kept: `refunded:hold-expired`, `refunded:payment-mismatch`, …).",
    }),
    replayed: z.boolean().openapi({ description: "The event id was seen before; nothing changed." }),
  })
  .openapi("WebhookReceipt");

export const PaymentEventSchema = z
  .object({
    provider: z.enum(PAYMENT_PROVIDERS),
    eventId: z.string(),
    type: z.string(),
    orderId: z.string().nullable(),
    providerRef: z.string().nullable(),
    verdict: z.string(),
    receivedAt: z.string(),
    payload: z.string().openapi({ description: "The raw body as the provider signed it." }),
  })
  .openapi("PaymentEvent");

export const PaymentEventListSchema = z
  .object({ items: z.array(PaymentEventSchema) })
  .openapi("PaymentEventList");

export type Payment = z.infer<typeof PaymentSchema>;
export type ManualPaymentInput = z.infer<typeof ManualPaymentInputSchema>;
export type Checkout = z.infer<typeof CheckoutSchema>;
