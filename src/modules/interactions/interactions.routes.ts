import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireOwnCustomer, requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import { pageQueryShape } from "../../http/pagination.ts";
import {
  CustomerIdParamsSchema,
  InteractionBatchResultSchema,
  InteractionBatchSchema,
  InteractionListQuerySchema,
  InteractionListSchema,
  PurchaseListSchema,
} from "./interactions.schemas.ts";

const tags = ["Signals"];
/** Signed in, and the customer in the path is the caller (or the caller is staff). */
const signedIn = [requireRole(), requireOwnCustomer];

export const recordInteractions = createRoute({
  method: "post",
  path: "/customers/{id}/interactions",
  operationId: "recordInteraction",
  tags,
  summary: "Record what a customer looked at and clicked",
  description:
    "Views, clicks and add-to-wishlist taps, up to 100 per request, all or none. Purchases, wishlist " +
    "changes, reviews and searches are recorded by the server itself. Recording never waits for " +
    "recommendations: they are refreshed in the background.",
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerIdParamsSchema, ...jsonBody(InteractionBatchSchema) },
  responses: {
    202: jsonContent(InteractionBatchResultSchema, "Recorded; recommendations will be refreshed."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404),
  },
});

export const listInteractions = createRoute({
  method: "get",
  path: "/customers/{id}/interactions",
  tags,
  summary: "List a customer's signals, newest first (own, or any for staff)",
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerIdParamsSchema, query: InteractionListQuerySchema },
  responses: {
    200: jsonContent(InteractionListSchema, "One page of signals."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const listPurchases = createRoute({
  method: "get",
  path: "/customers/{id}/purchases",
  tags,
  summary: "A customer's purchase history (confirmed and shipped orders), newest first",
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerIdParamsSchema, query: z.object(pageQueryShape()) },
  responses: {
    200: jsonContent(PurchaseListSchema, "One page of purchased order lines."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export type RecordInteractionsRoute = typeof recordInteractions;
export type ListInteractionsRoute = typeof listInteractions;
export type ListPurchasesRoute = typeof listPurchases;
