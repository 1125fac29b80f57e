/**
 * The insights module's operations, bound to one context: demand.ts (the demand estimate), price-suggestions.ts
 * (a price for an allocation, and staff decisions about it); the models themselves are pure, in
 * demand-model.ts and price-model.ts, and market-data.ts gathers what they are fitted on.
 */
import type { Deps } from "../../deps.ts";
import { demandInsight } from "./demand.ts";
import type { InsightsContext, InsightsPorts } from "./insights.context.ts";
import type { PriceDecisionInput } from "./insights.schemas.ts";
import { listPriceDecisions, priceSuggestion, recordPriceDecision } from "./price-suggestions.ts";

export function createInsightsService(deps: Deps, ports: InsightsPorts) {
  const ctx: InsightsContext = { deps, ports };
  return {
    demandInsight: (spiritId: string, allocation?: number) => demandInsight(ctx, spiritId, allocation),
    priceSuggestion: (spiritId: string, allocation?: number) => priceSuggestion(ctx, spiritId, allocation),
    recordPriceDecision: (spiritId: string, input: PriceDecisionInput, actorId: string) =>
      recordPriceDecision(ctx, spiritId, input, actorId),
    listPriceDecisions: (spiritId: string, q: { limit: number; cursor?: string | undefined }) =>
      listPriceDecisions(ctx, spiritId, q),
  };
}

export type InsightsService = ReturnType<typeof createInsightsService>;
