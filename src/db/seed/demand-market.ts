import type { Comparable, Features } from "../../modules/insights/demand-model.ts";
import { createRng, type Rng } from "./prng.ts";

/**
 * A market of limited releases whose true demand is known, for measuring the demand estimate
 * (bench/demand.ts). Each release has a latent number of keen buyers at a reference price; what the shop
 * can see is a noisy, partial trace of them (some wish, a few answer a poll, most only look) plus casual
 * traffic from people who never buy; what sells is the demand at the release's own price, capped by supply.
 */
export type MarketRelease = Comparable & {
  /** Buyers at its own price if supply were unlimited: the ground truth. */
  trueDemand: number;
  referencePriceMinor: number;
};

/** One segment of comparable releases (a type and price band), as the endpoint picks comparables. */
export type MarketOptions = {
  releases: number;
  seed?: number;
  elasticity?: number;
  referencePriceMinor?: number;
};

function poisson(rng: Rng, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean))));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.next();
  } while (p > l);
  return k - 1;
}

const binomial = (rng: Rng, n: number, p: number) => {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
};

export function generateDemandMarket({
  releases,
  seed = 7,
  elasticity = -1.8,
  referencePriceMinor = 8000,
}: MarketOptions): MarketRelease[] {
  const rng = createRng(seed);
  const out: MarketRelease[] = [];
  for (let j = 0; j < releases; j++) {
    const keen = Math.max(1, Math.round(Math.exp(rng.normal(Math.log(40), 0.8))));
    const priceMinor = Math.round(referencePriceMinor * Math.exp(rng.normal(0, 0.25)));
    const trueDemand = poisson(rng, keen * (priceMinor / referencePriceMinor) ** elasticity);
    const features: Features = {
      wishlists: binomial(rng, keen, 0.3) + poisson(rng, 4),
      pollInterest: binomial(rng, keen, 0.12) + poisson(rng, 1),
      clicks: poisson(rng, keen * 1.5 + 15),
      views: poisson(rng, keen * 10 + 120),
    };
    const supply = rng.int(20, 150);
    out.push({
      features,
      supply,
      sold: Math.min(supply, trueDemand),
      priceMinor,
      trueDemand,
      referencePriceMinor,
    });
  }
  return out;
}
