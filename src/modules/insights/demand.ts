import { type DemandFit, SIGNALS, stockOutRisk } from "./demand-model.ts";
import type { InsightsContext } from "./insights.context.ts";
import type { DemandInsight } from "./insights.schemas.ts";
import { type Market, marketOf, sellThrough } from "./market-data.ts";

const round = (v: number, places = 2) => Math.round(v * 10 ** places) / 10 ** places;

export const modelView = (fit: DemandFit, currency: string) => ({
  source: fit.source,
  comparables: fit.comparables,
  baseline: round(fit.baseline),
  elasticity: round(fit.elasticity),
  elasticityRange: fit.elasticityRange.map((e) => round(e)),
  referencePrice: { amountMinor: Math.round(fit.referencePriceMinor), currency },
  residualSd: round(fit.residualSd),
});

export function demandFrom(market: Market, allocation: number): DemandInsight {
  const { spirit, fit, features } = market;
  const priceFactor =
    fit.referencePriceMinor > 0 ? (spirit.priceMinor / fit.referencePriceMinor) ** fit.elasticity : 1;
  const components = SIGNALS.map((signal) => ({
    signal,
    count: features[signal],
    weight: round(fit.weights[signal], 4),
    contribution: round(features[signal] * fit.weights[signal] * priceFactor),
  }));
  const estimate = Math.max(
    0,
    (fit.baseline + SIGNALS.reduce((s, k) => s + fit.weights[k] * features[k], 0)) * priceFactor,
  );
  const notes: string[] = [];
  if (fit.source === "prior") {
    notes.push(
      `Only ${fit.comparables} comparable spirits (same type, half to twice the price, offered before): the weights are priors, not learned.`,
    );
  }
  const bound = market.comparables.filter((c) => c.sold >= c.supply).length;
  if (bound)
    notes.push(
      `${bound} comparables sold out: their demand is known only as a lower bound, so the estimate may be low.`,
    );
  notes.push(
    "Searches and drop entries are not yet signals; views, clicks, wishlists and poll interest are.",
  );
  return {
    spiritId: spirit.id,
    price: { amountMinor: spirit.priceMinor, currency: spirit.currency },
    estimate: round(estimate, 1),
    components,
    priceFactor: round(priceFactor, 4),
    allocation,
    stockOutRisk: round(stockOutRisk(estimate, allocation, fit.residualSd), 4),
    sellThrough: sellThrough(market.comparables),
    model: modelView(fit, spirit.currency),
    notes,
  };
}

/** Demand for a spirit at today's price, each signal's share of it, and the risk of selling out at the allocation. */
export async function demandInsight(ctx: InsightsContext, spiritId: string, allocation?: number) {
  const market = await marketOf(ctx, spiritId);
  return demandFrom(market, allocation ?? market.available);
}
