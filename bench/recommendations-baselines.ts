/**
 * What the benchmark grades rankers with: the rules every ranker obeys alike, the baselines (global
 * popularity, random, item-item co-occurrence) trained on the same signals as the ranker, and the
 * metrics at 10 against a customer's held-out spirits.
 */
import type { EngineSignal, EngineSpirit } from "../src/modules/recommendations/engine/types.ts";
import { rng } from "./recommendations-population.ts";

export const K = 10;

/** A ranker for the evaluation: a customer's top K spirit ids. */
export type Ranker = (customerId: string) => string[];

const positive = (e: EngineSignal) => e.kind === "purchase" || e.kind === "wishlist";

function addTo<Key, V>(map: Map<Key, Set<V>>, key: Key, value: V) {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * What nobody may offer a customer, as the production rules say: archived spirits, and what they bought
 * or rated already (the ranker's own rules, so the baselines are not handicapped by offering them).
 */
export function rulesFor(spirits: EngineSpirit[], train: Iterable<EngineSignal>) {
  const tasted = new Map<string, Set<string>>();
  for (const e of train) {
    if (e.kind !== "purchase" && e.kind !== "rating") continue;
    addTo(tasted, e.customerId, e.spiritId);
  }
  const offerable = new Set(spirits.filter((s) => s.offerable).map((s) => s.id));
  return (customerId: string, spiritId: string) =>
    offerable.has(spiritId) && !tasted.get(customerId)?.has(spiritId);
}

export type Allowed = ReturnType<typeof rulesFor>;

/** Global popularity: spirits by how many customers bought or wished for them in training. */
export function popularityRanker(spirits: EngineSpirit[], train: EngineSignal[], allowed: Allowed): Ranker {
  const order = popularOrder(spirits, train);
  return (customerId) => topAllowed(order, customerId, allowed, K);
}

function popularOrder(spirits: EngineSpirit[], train: EngineSignal[]) {
  const fans = new Map<string, Set<string>>();
  for (const e of train) {
    if (!positive(e)) continue;
    addTo(fans, e.spiritId, e.customerId);
  }
  return spirits
    .map((s) => s.id)
    .sort((a, b) => (fans.get(b)?.size ?? 0) - (fans.get(a)?.size ?? 0) || (a < b ? -1 : 1));
}

function topAllowed(order: Iterable<string>, customerId: string, allowed: Allowed, limit: number) {
  const out: string[] = [];
  for (const id of order) {
    if (out.length === limit) break;
    if (allowed(customerId, id)) out.push(id);
  }
  return out;
}

/** K spirits drawn uniformly from what the rules allow, seeded. */
export function randomRanker(spirits: EngineSpirit[], allowed: Allowed, seed: number): Ranker {
  const r = rng(seed);
  return (customerId) => {
    const out = new Set<string>();
    while (out.size < K) {
      const id = spirits[r.int(spirits.length)]!.id;
      if (allowed(customerId, id)) out.add(id);
    }
    return [...out];
  };
}

/**
 * "Customers who bought or wished for this also bought or wished for": for each of the customer's
 * positive spirits, its NEIGHBOURS most co-occurring spirits by raw count, summed; popularity fills up.
 */
export function cooccurrenceRanker(
  spirits: EngineSpirit[],
  train: EngineSignal[],
  allowed: Allowed,
  neighbours = 100,
): Ranker {
  const n = spirits.length;
  const idx = new Map(spirits.map((s, i) => [s.id, i]));
  const baskets = new Map<string, Set<number>>();
  for (const e of train) {
    const i = idx.get(e.spiritId);
    if (!positive(e) || i === undefined) continue;
    addTo(baskets, e.customerId, i);
  }
  const itemBaskets: number[][] = Array.from({ length: n }, () => []);
  const basketList = [...baskets.values()].map((s) => [...s]);
  basketList.forEach((b, u) => {
    for (const i of b) itemBaskets[i]!.push(u);
  });
  const count = new Float64Array(n);
  const top: { j: number; c: number }[][] = [];
  for (let i = 0; i < n; i++) {
    const touched: number[] = [];
    for (const u of itemBaskets[i]!) {
      for (const j of basketList[u]!) {
        if (j === i) continue;
        if (count[j] === 0) touched.push(j);
        count[j]!++;
      }
    }
    top.push(
      touched
        .map((j) => ({ j, c: count[j]! }))
        .sort((a, b) => b.c - a.c || a.j - b.j)
        .slice(0, neighbours),
    );
    for (const j of touched) count[j] = 0;
  }
  const order = popularOrder(spirits, train);
  return (customerId) => {
    const score = new Map<number, number>();
    for (const i of baskets.get(customerId) ?? []) {
      for (const { j, c } of top[i]!) score.set(j, (score.get(j) ?? 0) + c);
    }
    const ranked = [...score].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([j]) => spirits[j]!.id);
    const out = topAllowed(ranked, customerId, allowed, K);
    if (out.length < K) {
      const have = new Set(out);
      for (const id of order) {
        if (out.length === K) break;
        if (!have.has(id) && allowed(customerId, id)) out.push(id);
      }
    }
    return out;
  };
}

export type Metrics = { ndcg: number; recall: number; hit: number; precision: number };

/** Binary relevance at K, averaged over the customers in `truth`. */
export function evaluate(rank: Ranker, truth: Map<string, Set<string>>): Metrics {
  const ideal = (m: number) => {
    let s = 0;
    for (let k = 0; k < Math.min(m, K); k++) s += 1 / Math.log2(k + 2);
    return s;
  };
  const sum = { ndcg: 0, recall: 0, hit: 0, precision: 0 };
  for (const [customerId, target] of truth) {
    let hits = 0;
    let dcg = 0;
    rank(customerId)
      .slice(0, K)
      .forEach((id, k) => {
        if (!target.has(id)) return;
        hits++;
        dcg += 1 / Math.log2(k + 2);
      });
    sum.ndcg += dcg / ideal(target.size);
    sum.recall += hits / target.size;
    sum.hit += hits > 0 ? 1 : 0;
    sum.precision += hits / K;
  }
  const m = truth.size || 1;
  return { ndcg: sum.ndcg / m, recall: sum.recall / m, hit: sum.hit / m, precision: sum.precision / m };
}
