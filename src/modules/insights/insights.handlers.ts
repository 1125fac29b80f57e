import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf } from "../../http/auth.ts";
import type {
  GetDemandInsightRoute,
  GetPriceSuggestionRoute,
  ListPriceDecisionsRoute,
  RecordPriceDecisionRoute,
} from "./insights.routes.ts";

export const getDemandInsight: RouteHandler<GetDemandInsightRoute, AppEnv> = async (c) =>
  c.json(
    await c
      .get("services")
      .insights.demandInsight(c.req.valid("param").spiritId, c.req.valid("query").allocation),
    200,
  );

export const getPriceSuggestion: RouteHandler<GetPriceSuggestionRoute, AppEnv> = async (c) =>
  c.json(
    await c
      .get("services")
      .insights.priceSuggestion(c.req.valid("param").spiritId, c.req.valid("query").allocation),
    200,
  );

export const recordPriceDecision: RouteHandler<RecordPriceDecisionRoute, AppEnv> = async (c) => {
  const { spiritId } = c.req.valid("param");
  return c.json(
    await c.get("services").insights.recordPriceDecision(spiritId, c.req.valid("json"), principalOf(c).id),
    201,
  );
};

export const listPriceDecisions: RouteHandler<ListPriceDecisionsRoute, AppEnv> = async (c) =>
  c.json(
    await c.get("services").insights.listPriceDecisions(c.req.valid("param").spiritId, c.req.valid("query")),
    200,
  );
