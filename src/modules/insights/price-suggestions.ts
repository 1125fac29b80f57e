import { and, eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type PriceDecisionRow, priceDecisions } from "../../db/schema/insights.ts";
import { DomainError } from "../../domain-error.ts";
import { demandFrom, modelView } from "./demand.ts";
import { estimateDemand } from "./demand-model.ts";
import type { InsightsContext } from "./insights.context.ts";
import type { PriceDecisionInput, PriceDecisionView, PriceSuggestion } from "./insights.schemas.ts";
import { marketOf } from "./market-data.ts";
import { MAX_CUT, MAX_RISE, priceForAllocation } from "./price-model.ts";

const pct = (v: number) => `${v >= 0 ? "+" : ""}${Math.round(v * 100)} %`;
const round1 = (v: number) => Math.round(v * 10) / 10;

/** A price range for the allocation, with the reasons behind it; nothing changes until staff decide. */
export async function priceSuggestion(
  ctx: InsightsContext,
  spiritId: string,
  allocation?: number,
): Promise<PriceSuggestion> {
  const market = await marketOf(ctx, spiritId);
  const { spirit, fit, features } = market;
  const planned = allocation ?? market.available;
  if (planned <= 0) {
    throw new DomainError(
      "validation",
      "Nothing to price: the spirit has no bottles left and no allocation was given.",
      {
        errors: [{ path: "allocation", message: "is required when the spirit has no stock" }],
      },
    );
  }
  const demand = demandFrom(market, planned);
  const suggested = priceForAllocation(fit, features, spirit.priceMinor, planned);
  // The steeper end of the elasticity moves the price less: it is the cautious bound.
  const [steep, flat] = fit.elasticityRange;
  const ends = [
    priceForAllocation(fit, features, spirit.priceMinor, planned, steep),
    priceForAllocation(fit, features, spirit.priceMinor, planned, flat),
  ];
  const change = suggested / spirit.priceMinor - 1;
  const reasons = [
    `Expected demand at today's price is ${round1(demand.estimate)} bottles for an allocation of ${planned} (stock-out risk ${Math.round(demand.stockOutRisk * 100)} %).`,
    demand.estimate > planned
      ? `Demand exceeds the allocation: a higher price (${pct(change)}) would still sell out, to buyers who value it most, instead of to the fastest.`
      : demand.estimate < planned
        ? `The allocation exceeds demand: a lower price (${pct(change)}) would sell more of it.`
        : "Demand matches the allocation at today's price.",
    `Price elasticity ${fit.elasticity.toFixed(2)} (${fit.source === "fitted" ? `fitted on ${fit.comparables} comparable spirits` : "a prior: too few comparables to fit"}); the range uses its 95 % interval.`,
  ];
  if (
    suggested === Math.round(spirit.priceMinor * (1 + MAX_RISE)) ||
    suggested === Math.round(spirit.priceMinor * (1 - MAX_CUT))
  ) {
    reasons.push(
      `Capped at ${pct(change)}: suggestions stay within -${MAX_CUT * 100} % and +${MAX_RISE * 100} % of today's price.`,
    );
  }
  return {
    spiritId,
    current: { amountMinor: spirit.priceMinor, currency: spirit.currency },
    suggested: { amountMinor: suggested, currency: spirit.currency },
    range: { lowMinor: Math.min(...ends, suggested), highMinor: Math.max(...ends, suggested) },
    allocation: planned,
    demandAtCurrent: demand.estimate,
    demandAtSuggested: round1(estimateDemand(fit, features, suggested)),
    reasons,
    model: modelView(fit, spirit.currency),
  };
}

const toDecision = (r: PriceDecisionRow): PriceDecisionView => ({
  id: r.id,
  spiritId: r.spiritId,
  decision: r.decision,
  suggested: { amountMinor: r.suggestedMinor, currency: r.currency },
  range: { lowMinor: r.suggestedLowMinor, highMinor: r.suggestedHighMinor },
  current: { amountMinor: r.currentMinor, currency: r.currency },
  chosen: r.chosenMinor === null ? null : { amountMinor: r.chosenMinor, currency: r.currency },
  reason: r.reason,
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt,
});

/** Records what staff decided about the suggestion as it stands now, with who and why; the price stays. */
export async function recordPriceDecision(
  ctx: InsightsContext,
  spiritId: string,
  input: PriceDecisionInput,
  actorId: string,
) {
  const suggestion = await priceSuggestion(ctx, spiritId, input.allocation);
  const now = ctx.deps.clock.now();
  const row: PriceDecisionRow = {
    id: newId("prd", now.getTime()),
    spiritId,
    decision: input.decision,
    suggestedMinor: suggestion.suggested.amountMinor,
    suggestedLowMinor: suggestion.range.lowMinor,
    suggestedHighMinor: suggestion.range.highMinor,
    currentMinor: suggestion.current.amountMinor,
    currency: suggestion.current.currency,
    chosenMinor:
      input.decision === "accepted"
        ? suggestion.suggested.amountMinor
        : input.decision === "adjusted"
          ? input.priceMinor!
          : null,
    reason: input.reason,
    decidedBy: actorId,
    decidedAt: now.toISOString(),
  };
  await ctx.deps.db.batch([
    ctx.deps.db.insert(priceDecisions).values(row),
    ctx.ports.audit.entry({
      actorId,
      action: "price.decided",
      subject: spiritId,
      detail: { decision: row.decision, chosenMinor: row.chosenMinor, reason: row.reason },
    }),
  ]);
  return toDecision(row);
}

const NEWEST_FIRST: Sort<PriceDecisionRow> = {
  name: "price_decisions_newest",
  keys: [
    { column: priceDecisions.decidedAt, direction: "desc", value: (r) => r.decidedAt },
    { column: priceDecisions.id, direction: "desc", value: (r) => r.id },
  ],
};

export async function listPriceDecisions(
  ctx: InsightsContext,
  spiritId: string,
  q: { limit: number; cursor?: string | undefined },
) {
  const where = [eq(priceDecisions.spiritId, spiritId)];
  if (q.cursor) where.push(afterCursor(NEWEST_FIRST, decodeCursor(NEWEST_FIRST, q.cursor)));
  return page(
    NEWEST_FIRST,
    q.limit,
    (limit) =>
      ctx.deps.db
        .select()
        .from(priceDecisions)
        .where(and(...where))
        .orderBy(...orderByOf(NEWEST_FIRST))
        .limit(limit),
    toDecision,
  );
}
