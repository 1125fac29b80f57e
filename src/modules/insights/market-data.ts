import { DomainError } from "../../domain-error.ts";
import { type Comparable, type DemandFit, fitDemand } from "./demand-model.ts";
import type { InsightsContext, MarketSpirit, Sales } from "./insights.context.ts";

/** Comparables cost a price band: outside half to twice the price, buyers are not the same people. */
const PRICE_BAND = [0.5, 2] as const;
const MAX_CANDIDATES = 300;
const DAY_MS = 86_400_000;

export type ComparableFacts = Comparable & { id: string; sales: Sales | undefined };

export type Market = {
  spirit: MarketSpirit;
  features: Comparable["features"];
  available: number;
  comparables: ComparableFacts[];
  fit: DemandFit;
};

/** The spirit, what it shows now, and the comparable past spirits its model is fitted on. */
export async function marketOf({ ports }: InsightsContext, spiritId: string): Promise<Market> {
  const spirit = await ports.spirit(spiritId);
  if (!spirit) throw new DomainError("not-found", `Spirit ${spiritId} was not found.`);
  const candidates = (await ports.sameType(spirit, MAX_CANDIDATES)).filter(
    (c) =>
      c.id !== spirit.id &&
      c.currency === spirit.currency &&
      c.priceMinor >= spirit.priceMinor * PRICE_BAND[0] &&
      c.priceMinor <= spirit.priceMinor * PRICE_BAND[1],
  );
  const ids = [spirit.id, ...candidates.map((c) => c.id)];
  const [signals, sales] = await Promise.all([ports.signals(ids), ports.sales(ids)]);
  const comparables: ComparableFacts[] = [];
  for (const c of candidates) {
    const sold = sales.get(c.id)?.units ?? 0;
    const supply = sold + (await ports.available(c.id));
    // A spirit never offered says nothing about demand.
    if (supply === 0) continue;
    comparables.push({
      id: c.id,
      features: signals.get(c.id)!,
      sold,
      supply,
      priceMinor: c.priceMinor,
      sales: sales.get(c.id),
    });
  }
  return {
    spirit,
    features: signals.get(spirit.id)!,
    available: await ports.available(spirit.id),
    comparables,
    fit: fitDemand(comparables),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : null;
};

/** How fast comparables sold: the share of their supply that sold, and bottles a day while they sold. */
export function sellThrough(comparables: ComparableFacts[]) {
  const selling = comparables.filter((c) => c.sales && c.sold > 0);
  const perDay = selling.map((c) => {
    const days = Math.max(1, (Date.parse(c.sales!.lastAt) - Date.parse(c.sales!.firstAt)) / DAY_MS);
    return c.sold / days;
  });
  return {
    comparables: comparables.length,
    soldOut: comparables.filter((c) => c.sold >= c.supply).length,
    medianSellThrough: median(comparables.map((c) => c.sold / c.supply)),
    medianBottlesPerDay: median(perDay),
  };
}
