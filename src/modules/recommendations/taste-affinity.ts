import { FLAVOUR_DIMENSIONS, FLAVOUR_SCORE_MAX } from "../../db/schema/catalog.ts";
import type { TasteProfile } from "../../db/schema/recommendations.ts";
import { normaliseCask } from "./engine/catalog-index.ts";
import { CONTENT_WEIGHTS as W } from "./engine/recommender.ts";

type SpiritLike = {
  type: string;
  region?: string | null | undefined;
  distillery: string;
  caskType?: string | null | undefined;
  tags: string[];
  flavourProfile: Partial<Record<string, number>>;
  price: { amountMinor: number; currency: string };
};

/**
 * The content score of one spirit against a cached taste profile: the same formula as the model's,
 * computed from names, so a listing can be re-ranked with no model in memory.
 */
export function affinity(profile: TasteProfile, s: SpiritLike): number {
  let score = 0;
  if (profile.flavour.length === FLAVOUR_DIMENSIONS.length) {
    const v = FLAVOUR_DIMENSIONS.map(
      (d, k) => (s.flavourProfile[d] ?? 0) / FLAVOUR_SCORE_MAX - (profile.flavourMean[k] ?? 0),
    );
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    if (norm > 1e-9) score += W.flavour * v.reduce((a, x, k) => a + (x / norm) * profile.flavour[k]!, 0);
  }
  const get = (m: Record<string, number>, key: string | null | undefined) =>
    key ? (m[key.toLowerCase()] ?? 0) : 0;
  score += W.type * get(profile.types, s.type);
  score += W.region * get(profile.regions, s.region);
  score += W.distillery * get(profile.distilleries, s.distillery);
  score += W.cask * get(profile.casks, normaliseCask(s.caskType ?? null));
  if (s.tags.length) {
    score += (W.tags * s.tags.reduce((a, t) => a + get(profile.tags, t), 0)) / Math.sqrt(s.tags.length);
  }
  const p = profile.price;
  if (p && p.currency === s.price.currency) {
    const x = s.price.amountMinor;
    if (x >= p.minMinor && x <= p.maxMinor) score += W.priceInside;
    else {
      const edge = x < p.minMinor ? p.minMinor : p.maxMinor;
      score -= W.priceOutside * Math.min(1, Math.abs(x - edge) / Math.max(1, edge));
    }
  }
  return score;
}
