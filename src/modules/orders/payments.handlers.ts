import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf } from "../../http/auth.ts";
import type {
  ConfirmOrderRoute,
  ListPaymentEventsRoute,
  ListPaymentsRoute,
  RecordPaymentRoute,
  RetryRefundsRoute,
  StartCheckoutRoute,
  StripeWebhookRoute,
} from "./payments.routes.ts";

export const confirmOrder: RouteHandler<ConfirmOrderRoute, AppEnv> = async (c) => {
  const body = c.req.header("Content-Type") ? c.req.valid("json") : undefined;
  const order = await c
    .get("services")
    .orders.confirmOrder(principalOf(c), c.req.valid("param").id, body?.reference);
  return c.json(order, 200);
};

export const recordPayment: RouteHandler<RecordPaymentRoute, AppEnv> = async (c) =>
  c.json(
    await c
      .get("services")
      .orders.recordManualPayment(principalOf(c), c.req.valid("param").id, c.req.valid("json")),
    201,
  );

export const listPayments: RouteHandler<ListPaymentsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").orders.listPayments(principalOf(c), c.req.valid("param").id), 200);

export const startCheckout: RouteHandler<StartCheckoutRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").orders.startCheckout(principalOf(c), c.req.valid("param").id), 200);

export const retryRefunds: RouteHandler<RetryRefundsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").orders.retryRefunds(principalOf(c), c.req.valid("param").id), 200);

// The raw body, byte for byte: the signature is over it, not over a re-serialised JSON.
export const stripeWebhook: RouteHandler<StripeWebhookRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").orders.receiveWebhook("stripe", await c.req.text(), c.req.raw.headers), 200);

export const listPaymentEvents: RouteHandler<ListPaymentEventsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").orders.listPaymentEvents(c.req.valid("query")), 200);
