import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { IdempotencyKeyHeader, IdempotentReplayedHeader, idempotent } from "../../http/idempotency.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import { orderBudgets, routeRateLimit } from "../../http/route-rate-limit.ts";
import {
  AdmissionTokenHeader,
  CreateOrderSchema,
  OrderIdParamsSchema,
  OrderListQuerySchema,
  OrderListSchema,
  OrderSchema,
  PreorderReleaseSchema,
  ReturnInputSchema,
  ShipInputSchema,
  SpiritIdParamsSchema,
} from "./orders.schemas.ts";

const tags = ["Orders"];
const signedIn = [requireRole()];
const staffOnly = [requireRole("staff", "admin")];

export const createOrder = createRoute({
  method: "post",
  path: "/orders",
  operationId: "placeOrder",
  tags,
  summary: "Place an order: hold the bottles until payment",
  description:
    "Allocates stock (locations that ship to the address first, then the one with most stock; split across " +
    "locations and batches when needed) and holds it until `expiresAt` (15 minutes unless the spirit says " +
    "otherwise). All items or none. A spirit that is announced with a pre-order allocation takes a pre-order " +
    "instead (status `preordered`). Sold out: 409 `sold-out` naming the spirit and what is left. Over a " +
    "spirit's per-customer limit: 422 `per-customer-limit`. Age and shipping rules: 403/422 naming the rule. " +
    "A spirit sold through an open queue release needs the `Admission-Token` of the caller's admitted place " +
    "(403 `admission-required`, `admission-expired`, `admission-invalid`). " +
    "With an `Idempotency-Key`, a retry gets the first answer and places nothing more. Rate-limited per " +
    "account and per client (`ORDERS_PER_MINUTE_*`); a 429 keeps nothing under the `Idempotency-Key`.",
  ...access("owner"),
  // Before the idempotency check: a refusal must not become the key's stored answer (it would be replayed
  // to the retry that waited as told). A replay therefore costs budget, as any request does.
  middleware: [...signedIn, routeRateLimit("order", orderBudgets), idempotent("orders.create")],
  request: { headers: IdempotencyKeyHeader.merge(AdmissionTokenHeader), ...jsonBody(CreateOrderSchema) },
  responses: {
    201: {
      ...jsonContent(OrderSchema, "The order, `reserved` (or `preordered`)."),
      headers: z.object({ Location: z.string() }).merge(IdempotentReplayedHeader),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 409),
  },
});

export const listOrders = createRoute({
  method: "get",
  path: "/orders",
  tags,
  summary: "List orders (customers: their own; staff: all, with filters)",
  ...access("owner"),
  middleware: signedIn,
  request: { query: OrderListQuerySchema },
  responses: {
    200: jsonContent(OrderListSchema, "One page of orders, newest first."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export const getOrder = createRoute({
  method: "get",
  path: "/orders/{id}",
  tags,
  summary: "Read an order with its allocations and status history",
  ...access("owner"),
  middleware: signedIn,
  request: { params: OrderIdParamsSchema },
  responses: {
    200: jsonContent(OrderSchema, "The order."),
    ...problemResponses(...AUTH_ERRORS, 404),
  },
});

export const cancelOrder = createRoute({
  method: "post",
  path: "/orders/{id}/cancel",
  tags,
  summary: "Cancel an order and give back what it holds",
  description:
    "Customers cancel reserved orders and pre-orders; a confirmed (paid) order needs staff, and its payment " +
    "is refunded through the provider that took it (the order ends `refunded` once the money went back). " +
    "With an `Idempotency-Key`, a retry gets the first answer and changes nothing more.",
  ...access("owner"),
  middleware: [...signedIn, idempotent("orders.cancel")],
  request: { params: OrderIdParamsSchema, headers: IdempotencyKeyHeader },
  responses: {
    200: { ...jsonContent(OrderSchema, "The cancelled order."), headers: IdempotentReplayedHeader },
    ...problemResponses(...AUTH_ERRORS, 400, 404, 409, 422),
  },
});

export const shipOrder = createRoute({
  method: "post",
  path: "/orders/{id}/ship",
  tags,
  summary: "Ship a confirmed order, whole or in parts (staff): on-hand and reserved go down together",
  description:
    "Takes the carrier and tracking number. `lineIds` ships those lines now (the order is " +
    "`partially_shipped` until the last one leaves); without it, everything not yet shipped. " +
    "With an `Idempotency-Key`, a retry gets the first answer and changes nothing more.",
  ...access("staff"),
  middleware: [...staffOnly, idempotent("orders.ship")],
  request: { params: OrderIdParamsSchema, headers: IdempotencyKeyHeader, ...jsonBody(ShipInputSchema) },
  responses: {
    200: { ...jsonContent(OrderSchema, "The shipped order."), headers: IdempotentReplayedHeader },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const deliverOrder = createRoute({
  method: "post",
  path: "/orders/{id}/deliver",
  tags,
  summary: "Mark a shipped order delivered (staff)",
  description:
    "Nothing moves in stock (the bottles left at shipping). Delivering a delivered order answers it unchanged.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: OrderIdParamsSchema },
  responses: {
    200: jsonContent(OrderSchema, "The delivered order."),
    ...problemResponses(...AUTH_ERRORS, 404, 409),
  },
});

export const returnBottles = createRoute({
  method: "post",
  path: "/orders/{id}/returns",
  operationId: "recordOrderReturn",
  tags,
  summary: "Record bottles that came back (staff): back in stock, or recorded only",
  description:
    "Line by line, at most what the line shipped and has not yet returned. Restocked bottles go back on " +
    "sale where they shipped from (or `locationId`), as a `return` in the ledger; numbered bottles are " +
    "named (`bottleNumbers`) and must be ones this order shipped. A refund, if any, is staff's decision.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: OrderIdParamsSchema, ...jsonBody(ReturnInputSchema) },
  responses: {
    200: jsonContent(OrderSchema, "The order with its returns."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const releasePreorders = createRoute({
  method: "post",
  path: "/inventory/{spiritId}/preorders/release",
  operationId: "releasePreorders",
  tags,
  summary: "Release a spirit's pre-orders now (staff)",
  description:
    "Waiting pre-orders, first come first served, become held orders with a payment window while stock " +
    "lasts. The reaper does the same by itself once the spirit's release date has come. " +
    "With an `Idempotency-Key`, a retry gets the first answer and changes nothing more.",
  ...access("staff"),
  middleware: [...staffOnly, idempotent("preorders.release")],
  request: { params: SpiritIdParamsSchema, headers: IdempotencyKeyHeader },
  responses: {
    200: {
      ...jsonContent(PreorderReleaseSchema, "How many pre-orders now hold stock, and how many still wait."),
      headers: IdempotentReplayedHeader,
    },
    ...problemResponses(...AUTH_ERRORS, 400, 404, 409, 422),
  },
});

export type CreateOrderRoute = typeof createOrder;
export type ListOrdersRoute = typeof listOrders;
export type GetOrderRoute = typeof getOrder;
export type CancelOrderRoute = typeof cancelOrder;
export type ShipOrderRoute = typeof shipOrder;
export type DeliverOrderRoute = typeof deliverOrder;
export type ReturnBottlesRoute = typeof returnBottles;
export type ReleasePreordersRoute = typeof releasePreorders;
