import { createRoute } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  AllocationQuerySchema,
  DemandInsightSchema,
  PriceDecisionInputSchema,
  PriceDecisionListQuerySchema,
  PriceDecisionListSchema,
  PriceDecisionSchema,
  PriceSuggestionSchema,
  SpiritIdParamsSchema,
} from "./insights.schemas.ts";

const tags = ["Insights"];
const staffOnly = [requireRole("staff", "admin")];

export const getDemandInsight = createRoute({
  method: "get",
  path: "/insights/demand/{spiritId}",
  tags,
  summary: "Estimated demand for a spirit (staff)",
  description:
    "From wishlists, declared interest in polls, clicks and views, weighted by a model fitted on comparable past spirits (same type, half to twice the price); each signal's weight and share shown, with the sell-through of the comparables and the risk of selling out at the allocation.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema, query: AllocationQuerySchema },
  responses: {
    200: jsonContent(DemandInsightSchema, "The estimate and what it rests on."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const getPriceSuggestion = createRoute({
  method: "get",
  path: "/insights/price-suggestions/{spiritId}",
  tags,
  summary: "A suggested price for an allocation (staff)",
  description:
    "The price at which expected demand meets the allocation, with a range and its reasons. Never applied by itself.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema, query: AllocationQuerySchema },
  responses: {
    200: jsonContent(PriceSuggestionSchema, "The suggestion."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const recordPriceDecision = createRoute({
  method: "post",
  path: "/insights/price-suggestions/{spiritId}/decisions",
  tags,
  summary: "Record a decision about the suggestion (staff)",
  description:
    "Accepted, rejected or adjusted, with why; recorded with who. The spirit's price does not change: do that through the catalog.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema, ...jsonBody(PriceDecisionInputSchema) },
  responses: {
    201: jsonContent(PriceDecisionSchema, "The decision as recorded."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404),
  },
});

export const listPriceDecisions = createRoute({
  method: "get",
  path: "/insights/price-suggestions/{spiritId}/decisions",
  tags,
  summary: "Decisions about a spirit's price suggestions (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema, query: PriceDecisionListQuerySchema },
  responses: {
    200: jsonContent(PriceDecisionListSchema, "Newest first."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export type GetDemandInsightRoute = typeof getDemandInsight;
export type GetPriceSuggestionRoute = typeof getPriceSuggestion;
export type RecordPriceDecisionRoute = typeof recordPriceDecision;
export type ListPriceDecisionsRoute = typeof listPriceDecisions;
