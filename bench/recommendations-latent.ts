/**
 * A second generated shop for the recommendations benchmark, whose behaviour comes from a process the
 * hybrid ranker does not model. bench/recommendations-population.ts builds its customers out of the
 * ranker's own three signals (flavour palate, co-purchase circle, appeal), so a ranker that reads those
 * signals is graded on its own assumptions. Here every customer and every spirit has a hidden latent
 * vector (drawn around a few taste clusters) and what a customer looks at, wishes for, buys and rates is
 * a noisy function of the dot product of the two, plus the spirit's hidden popularity, plus noise.
 *
 * What the ranker can see is only the catalog listing and the behaviour. The listing says little about
 * the latent vector: with probability `styleLink` a spirit is listed in its cluster's style (flavour, type,
 * region, tags), otherwise in a random one, so content-based filtering has a weak, partial signal and
 * never the vector itself. Nobody declared a taste at sign-up, every spirit is offerable and in stock, and
 * no price or budget enters the process. Deterministic for a seed.
 */

import type { EngineSignal, EngineSpirit } from "../src/modules/recommendations/engine/types.ts";
import { drawCatalogSpirit, type Population, rng, STYLE_COUNT } from "./recommendations-population.ts";

export type LatentOptions = {
  spirits: number;
  customers: number;
  seed?: number;
  /** Size of the latent vectors. */
  dims?: number;
  /** Taste clusters the vectors are drawn around. */
  clusters?: number;
  /** Chance that a spirit is listed in its cluster's style rather than a random one. */
  styleLink?: number;
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function generateLatentPopulation(options: LatentOptions): Population {
  const r = rng((options.seed ?? 1) * 0x9e3779b1);
  const d = options.dims ?? 12;
  const G = options.clusters ?? 8;
  const styleLink = options.styleLink ?? 0.5;
  const n = options.spirits;
  const gauss = (scale: number) => Float64Array.from({ length: d }, () => r.normal() * scale);

  const centres = Array.from({ length: G }, () => gauss(1));
  const styles = Array.from({ length: STYLE_COUNT }, (_, k) => k);
  for (let k = styles.length - 1; k > 0; k--) {
    const j = r.int(k + 1);
    [styles[k], styles[j]] = [styles[j]!, styles[k]!];
  }
  const clusterStyle = centres.map((_, g) => styles[g % STYLE_COUNT]!);

  const spirits: EngineSpirit[] = [];
  const latent = new Float64Array(n * d);
  const popularity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = r.int(G);
    const si = r.next() < styleLink ? clusterStyle[g]! : r.int(STYLE_COUNT);
    const { spirit } = drawCatalogSpirit(r, i, si, 1);
    spirits.push({ ...spirit, offerable: true, inStock: true });
    const noise = gauss(0.8);
    for (let k = 0; k < d; k++) latent[i * d + k] = centres[g]![k]! + noise[k]!;
    popularity[i] = r.normal();
  }
  // Shop-window exposure: a share of what anyone looks at is drawn in proportion to exp(popularity).
  const exposure = new Float64Array(n);
  for (let i = 0, acc = 0; i < n; i++) exposure[i] = acc += Math.exp(popularity[i]!);
  const exposed = () => {
    const x = r.next() * exposure[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (exposure[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const events = new Map<string, EngineSignal[]>();
  const customers: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  const u = new Float64Array(d);
  for (let c = 0; c < options.customers; c++) {
    const id = `cus_${String(c).padStart(6, "0")}`;
    customers.push(id);
    // Mostly one cluster; half the customers lean partly towards a second one.
    const main = centres[r.int(G)]!;
    const other = centres[r.int(G)]!;
    const w = r.next() < 0.5 ? r.next() * 0.5 : 0;
    const noise = gauss(0.8);
    for (let k = 0; k < d; k++) u[k] = (1 - w) * main[k]! + w * other[k]! + noise[k]!;
    const affinity = (i: number) => {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += u[k]! * latent[i * d + k]!;
      return dot / d;
    };

    const visits = Math.min(100, 5 + Math.floor(-Math.log(r.next() + 1e-9) * 20));
    const list: EngineSignal[] = [];
    const bought = new Set<number>();
    const wished = new Set<number>();
    let t = start + r.int(200) * 86_400_000;
    for (let v = 0; v < visits; v++) {
      // What they open: the best of a few dozen bottles they come across, by a noisy utility.
      let best = -1;
      let bestU = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < 120; k++) {
        const i = k < 40 ? exposed() : r.int(n);
        const gumbel = -Math.log(-Math.log(r.next() + 1e-12) + 1e-12);
        const x = 1.2 * affinity(i) + 0.4 * popularity[i]! + gumbel;
        if (x > bestU) {
          bestU = x;
          best = i;
        }
      }
      t += (1 + r.int(72)) * 3_600_000;
      const spiritId = spirits[best]!.id;
      const at = (offset = 0) => new Date(t + offset).toISOString();
      list.push({ customerId: id, spiritId, kind: "view", at: at() });
      if (r.next() < 0.4) list.push({ customerId: id, spiritId, kind: "click", at: at(60_000) });
      // How much they want it, seen through fresh noise: buy, wish for it, or walk away.
      const a = affinity(best);
      const want = 1.2 * a + 0.3 * popularity[best]! + 0.8 * r.normal();
      if (!bought.has(best) && r.next() < sigmoid(1.5 * (want - 1.5))) {
        bought.add(best);
        list.push({ customerId: id, spiritId, kind: "purchase", at: at(120_000) });
        if (r.next() < 0.35) {
          const rating = Math.max(1, Math.min(5, Math.round(3 + 1.3 * (a - 0.6) + 0.9 * r.normal())));
          list.push({ customerId: id, spiritId, kind: "rating", value: rating, at: at(86_400_000) });
          t += 86_400_000;
        }
      } else if (!wished.has(best) && !bought.has(best) && r.next() < 0.6 * sigmoid(1.5 * (want - 1.2))) {
        wished.add(best);
        list.push({ customerId: id, spiritId, kind: "wishlist", at: at(120_000) });
      }
    }
    events.set(id, list);
  }
  return { spirits, events, preferences: new Map(), customers };
}
