/**
 * Demand for a spirit estimated from what customers show before they buy, at a price:
 *
 *   demand(x, p) = (b + Σ w_k · x_k) · (p / p_ref)^ε
 *
 * x the signal counts (wishes, declared interest in polls, clicks, views), w ≥ 0 bottles per signal, b a
 * baseline (casual traffic that never buys makes it negative), p_ref the comparables' median price and ε the
 * price elasticity. Fitted on comparable past spirits by alternating the two parts: non-negative least
 * squares for b and w at a fixed ε (coordinate descent), then ε by regressing log(sold / predicted) on
 * log(p / p_ref). A sold-out comparable only says demand reached its supply: it is a lower bound, so it
 * counts only while the model predicts less than its supply (censored, as in a Tobit fit). With too few
 * comparables the documented priors stand. Pure functions: bench/demand.ts measures what the endpoint answers.
 */
export const SIGNALS = ["wishlists", "pollInterest", "clicks", "views"] as const;
export type Signal = (typeof SIGNALS)[number];
export type Features = Record<Signal, number>;

/** A past spirit: what it showed, what it cost, and what sold (paid bottles) out of what was offered. */
export type Comparable = { features: Features; sold: number; supply: number; priceMinor: number };

/** Bottles per signal before anything is learned: a wish or a declared interest is a likely buyer, a view is not. */
export const PRIOR_WEIGHTS: Features = {
  wishlists: 0.6,
  pollInterest: 0.7,
  clicks: 0.08,
  views: 0.015,
};
/** Spirits are price-elastic; limited editions less than most goods, but still. */
export const PRIOR_ELASTICITY = -1.5;
const ELASTICITY_RANGE = [-4, -0.3] as const;
export const MIN_COMPARABLES = 8;

export type DemandFit = {
  weights: Features;
  baseline: number;
  elasticity: number;
  /** 95 % interval of the elasticity (the prior's own when not fitted). */
  elasticityRange: [number, number];
  referencePriceMinor: number;
  source: "fitted" | "prior";
  comparables: number;
  /** The fit's typical error on its comparables, in bottles. */
  residualSd: number;
};

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const signalsOf = (fit: Pick<DemandFit, "weights" | "baseline">, x: Features) =>
  fit.baseline + SIGNALS.reduce((s, k) => s + fit.weights[k] * x[k], 0);
const priceFactor = (fit: Pick<DemandFit, "elasticity" | "referencePriceMinor">, priceMinor: number) =>
  priceMinor > 0 && fit.referencePriceMinor > 0
    ? (priceMinor / fit.referencePriceMinor) ** fit.elasticity
    : 1;

export function estimateDemand(fit: DemandFit, features: Features, priceMinor: number): number {
  return Math.max(0, signalsOf(fit, features) * priceFactor(fit, priceMinor));
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/** b and w ≥ 0 by cyclic coordinate descent on the price-adjusted signals (columns scaled to unit mean square). */
function fitWeights(rows: { x: number[]; y: number; bound: boolean }[], start: number[], iterations: number) {
  const n = start.length;
  const scale = Array.from({ length: n }, (_, k) => {
    const ms = rows.reduce((s, r) => s + r.x[k]! ** 2, 0) / rows.length;
    return ms > 0 ? Math.sqrt(ms) : 0;
  });
  const w = start.map((v, k) => v * scale[k]!);
  const z = (r: { x: number[] }, k: number) => (scale[k]! > 0 ? r.x[k]! / scale[k]! : 0);
  const predict = (r: { x: number[] }) => w.reduce((s, wk, k) => s + wk * z(r, k), 0);
  for (let it = 0; it < iterations; it++) {
    // A lower bound the model already meets says nothing more: its target is the prediction itself.
    const target = rows.map((r) => (r.bound ? Math.max(r.y, predict(r)) : r.y));
    const residual = rows.map((r, i) => target[i]! - predict(r));
    for (let k = 0; k < n; k++) {
      if (scale[k] === 0) continue;
      let num = 0;
      let den = 0;
      rows.forEach((r, i) => {
        const zi = z(r, k);
        num += zi * (residual[i]! + w[k]! * zi);
        den += zi * zi;
      });
      // The baseline (k = 0) may go below zero; a signal never takes demand away.
      const next = k === 0 ? num / den : Math.max(0, num / den);
      rows.forEach((r, i) => {
        residual[i]! -= (next - w[k]!) * z(r, k);
      });
      w[k] = next;
    }
  }
  return w.map((v, k) => (scale[k]! > 0 ? v / scale[k]! : 0));
}

/** ε from the spirits that did not sell out (a sold-out one hides how many more would have paid). */
function fitElasticity(
  comparables: Comparable[],
  fit: DemandFit,
): { value: number; range: [number, number] } | null {
  const points = comparables
    .filter((c) => c.sold > 0 && c.sold < c.supply && c.priceMinor > 0)
    .map((c) => ({ c, base: signalsOf(fit, c.features) }))
    .filter((p) => p.base > 0);
  if (points.length < MIN_COMPARABLES) return null;
  const xs = points.map((p) => Math.log(p.c.priceMinor / fit.referencePriceMinor));
  const ys = points.map((p) => Math.log(p.c.sold / p.base));
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = ys.reduce((s, v) => s + v, 0) / ys.length;
  let sxx = 0;
  let sxy = 0;
  xs.forEach((x, i) => {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (ys[i]! - my);
  });
  if (sxx < 1e-6) return null;
  const slope = sxy / sxx;
  const sse = ys.reduce((s, y, i) => s + (y - (my + slope * (xs[i]! - mx))) ** 2, 0);
  const se = Math.sqrt(sse / Math.max(1, xs.length - 2) / sxx);
  const [lo, hi] = ELASTICITY_RANGE;
  return {
    value: clamp(slope, lo, hi),
    range: [clamp(slope - 1.96 * se, lo, hi), clamp(slope + 1.96 * se, lo, hi)],
  };
}

export function priorFit(referencePriceMinor: number, comparables = 0): DemandFit {
  return {
    weights: { ...PRIOR_WEIGHTS },
    baseline: 0,
    elasticity: PRIOR_ELASTICITY,
    elasticityRange: [-2.5, -0.8],
    referencePriceMinor,
    source: "prior",
    comparables,
    residualSd: 0,
  };
}

export function fitDemand(comparables: Comparable[], { rounds = 6, iterations = 60 } = {}): DemandFit {
  const referencePriceMinor = medianOf(comparables.map((c) => c.priceMinor));
  if (comparables.length < MIN_COMPARABLES) return priorFit(referencePriceMinor, comparables.length);
  let fit: DemandFit = { ...priorFit(referencePriceMinor, comparables.length), source: "fitted" };
  for (let round = 0; round < rounds; round++) {
    // At the current ε, sold / priceFactor is what the signals alone must explain.
    const rows = comparables.map((c) => {
      const f = priceFactor(fit, c.priceMinor);
      return { x: [1, ...SIGNALS.map((k) => c.features[k])], y: c.sold / f, bound: c.sold >= c.supply };
    });
    const [baseline, ...w] = fitWeights(
      rows,
      [fit.baseline, ...SIGNALS.map((k) => fit.weights[k])],
      iterations,
    );
    fit = {
      ...fit,
      baseline: baseline!,
      weights: Object.fromEntries(SIGNALS.map((k, i) => [k, w[i]!])) as Features,
    };
    const e = fitElasticity(comparables, fit);
    if (e) fit = { ...fit, elasticity: e.value, elasticityRange: e.range };
  }
  const residuals = comparables
    .map((c) => {
      const predicted = estimateDemand(fit, c.features, c.priceMinor);
      return c.sold >= c.supply ? Math.min(0, c.sold - predicted) : c.sold - predicted;
    })
    .map((r) => r * r);
  const residualSd = Math.sqrt(
    residuals.reduce((s, v) => s + v, 0) / Math.max(1, comparables.length - SIGNALS.length - 2),
  );
  return { ...fit, residualSd };
}

/** The standard normal CDF (Abramowitz–Stegun 26.2.17, error below 1e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989423 * Math.exp((-z * z) / 2);
  const p = d * t * (0.3193815 + t * (-0.3565638 + t * (1.781478 + t * (-1.821256 + t * 1.330274))));
  return z > 0 ? 1 - p : p;
}

/**
 * P(demand > allocation): demand as a count around the estimate, its spread the Poisson one plus the
 * model's own error on comparables (continuity-corrected normal approximation).
 */
export function stockOutRisk(estimate: number, allocation: number, residualSd: number): number {
  const sd = Math.sqrt(Math.max(estimate, 1) + residualSd ** 2);
  return 1 - normalCdf((allocation + 0.5 - estimate) / sd);
}
