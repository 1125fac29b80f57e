import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { IdempotencyKeyHeader, IdempotentReplayedHeader, idempotent } from "../../http/idempotency.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import { OrderIdParamsSchema, OrderSchema } from "./orders.schemas.ts";
import {
  CheckoutSchema,
  ConfirmInputSchema,
  ManualPaymentInputSchema,
  PaymentEventListSchema,
  PaymentListSchema,
  RecordedPaymentSchema,
  WebhookReceiptSchema,
} from "./payments.schemas.ts";

const tags = ["Payments"];
const signedIn = [requireRole()];
const staffOnly = [requireRole("staff", "admin")];
const retrySafe = "With an `Idempotency-Key`, a retry gets the first answer and changes nothing more.";

export const confirmOrder = createRoute({
  method: "post",
  path: "/orders/{id}/confirm",
  tags: ["Orders"],
  summary: "Confirm an order paid offline (staff): a manual payment of its total",
  description:
    'Records a manual payment of exactly the order\'s total (with `reference`, default "confirmed by staff") ' +
    "and confirms the order: the holds become committed and numbered bottles get their numbers. Customers " +
    "cannot confirm: they pay (`POST /orders/{id}/checkout`), and the provider's verified webhook confirms. " +
    "A lapsed hold is held again when the bottles are still there, else 409 `hold-expired`. Confirming a " +
    `paid order answers it unchanged. ${retrySafe}`,
  ...access("staff"),
  middleware: [...staffOnly, idempotent("orders.confirm")],
  request: {
    params: OrderIdParamsSchema,
    headers: IdempotencyKeyHeader,
    body: { content: { "application/json": { schema: ConfirmInputSchema } }, required: false },
  },
  responses: {
    200: { ...jsonContent(OrderSchema, "The confirmed order."), headers: IdempotentReplayedHeader },
    ...problemResponses(...AUTH_ERRORS, 400, 404, 409, 422),
  },
});

export const recordPayment = createRoute({
  method: "post",
  path: "/orders/{id}/payments",
  operationId: "recordOrderPayment",
  tags,
  summary: "Record an offline payment (staff): bank transfer, in store",
  description:
    "The amount and currency must be the order's total (else 422 `payment-mismatch`, and nothing is " +
    "recorded); the customer's age and destination are checked again. The order becomes `confirmed`. " +
    retrySafe,
  ...access("staff"),
  middleware: [...staffOnly, idempotent("orders.payments.record")],
  request: {
    params: OrderIdParamsSchema,
    headers: IdempotencyKeyHeader,
    ...jsonBody(ManualPaymentInputSchema),
  },
  responses: {
    201: {
      ...jsonContent(RecordedPaymentSchema, "The payment and the confirmed order."),
      headers: IdempotentReplayedHeader,
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const listPayments = createRoute({
  method: "get",
  path: "/orders/{id}/payments",
  tags,
  summary: "The order's payments and refunds",
  ...access("owner"),
  middleware: signedIn,
  request: { params: OrderIdParamsSchema },
  responses: {
    200: jsonContent(PaymentListSchema, "Oldest first."),
    ...problemResponses(...AUTH_ERRORS, 404),
  },
});

export const startCheckout = createRoute({
  method: "post",
  path: "/orders/{id}/checkout",
  operationId: "startCheckout",
  tags,
  summary: "Start paying a reserved order with the shop's provider",
  description:
    "Stripe: a PaymentIntent for the order's total; finish it with `clientSecret` in Stripe.js or a mobile " +
    "SDK, and the order is confirmed when Stripe's signed webhook says it succeeded. Manual: how to pay " +
    "offline. Asking again answers the same payment.",
  ...access("owner"),
  middleware: signedIn,
  request: { params: OrderIdParamsSchema },
  responses: {
    200: jsonContent(CheckoutSchema, "What the customer's app needs to take the payment."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 502),
  },
});

export const retryRefunds = createRoute({
  method: "post",
  path: "/orders/{id}/refunds",
  operationId: "retryOrderRefunds",
  tags,
  summary: "Retry the refunds an ended order still owes (staff)",
  description:
    "For a cancelled or expired order whose refund failed at the provider. 409 when nothing is owed.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: OrderIdParamsSchema },
  responses: {
    200: jsonContent(PaymentListSchema, "The order's payments after the retry."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 502),
  },
});

export const stripeWebhook = createRoute({
  method: "post",
  path: "/payments/webhooks/stripe",
  operationId: "receiveStripeWebhook",
  tags,
  summary: "Stripe's webhook endpoint",
  description:
    "Stripe signs each event (`Stripe-Signature` over the raw body, within the tolerance); anything else is " +
    "400 `webhook-signature-invalid`. `payment_intent.succeeded` confirms the order it was started for; a " +
    "payment that cannot be kept is refunded and says why. Idempotent by Stripe's event id, in any order. " +
    "404 when the shop does not take Stripe payments.",
  ...access("public"),
  responses: {
    200: jsonContent(WebhookReceiptSchema, "Received; what it did."),
    ...problemResponses(400, 404, 413, 502),
  },
});

export const listPaymentEvents = createRoute({
  method: "get",
  path: "/payments/events",
  tags,
  summary: "Webhook events as received, with their verdicts (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: {
    query: z.object({
      orderId: z.string().min(1).max(64).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: jsonContent(PaymentEventListSchema, "Newest first."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export type ConfirmOrderRoute = typeof confirmOrder;
export type RecordPaymentRoute = typeof recordPayment;
export type ListPaymentsRoute = typeof listPayments;
export type StartCheckoutRoute = typeof startCheckout;
export type RetryRefundsRoute = typeof retryRefunds;
export type StripeWebhookRoute = typeof stripeWebhook;
export type ListPaymentEventsRoute = typeof listPaymentEvents;
