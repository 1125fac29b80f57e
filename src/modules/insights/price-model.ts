import { type DemandFit, estimateDemand, type Features } from "./demand-model.ts";

/**
 * The price at which expected demand meets the allocation, from the demand model's elasticity: above it
 * bottles go unsold, below it the drop sells out to whoever is quickest and money is left on the table.
 * Bounded to [-30 %, +50 %] of today's price, because a model this simple should not be trusted further,
 * and never applied by itself: staff decide.
 */
export const MAX_RISE = 0.5;
export const MAX_CUT = 0.3;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function priceForAllocation(
  fit: DemandFit,
  features: Features,
  priceMinor: number,
  allocation: number,
  elasticity = fit.elasticity,
): number {
  const demand = estimateDemand(fit, features, priceMinor);
  if (demand <= 0 || allocation <= 0) return Math.round(priceMinor * (1 - MAX_CUT));
  const ratio = (allocation / demand) ** (1 / elasticity);
  return Math.round(priceMinor * clamp(ratio, 1 - MAX_CUT, 1 + MAX_RISE));
}
