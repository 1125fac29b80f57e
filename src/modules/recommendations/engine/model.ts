import type { CatalogIndex } from "./catalog-index.ts";
import type { EngineSignal, SignalKind } from "./types.ts";

/** How much each kind of signal says about taste (a rating says it with a sign, see ratingWeight). */
export const SIGNAL_WEIGHTS: Record<Exclude<SignalKind, "rating">, number> = {
  purchase: 3,
  wishlist: 2,
  /** Said in a poll: stronger than browsing, weaker than keeping it on a wishlist. */
  poll_interest: 1.5,
  add_to_wishlist: 1.2,
  click: 0.6,
  view: 0.25,
};
/** Looking at a bottle ten times is interest, not ten purchases. */
const BROWSE_CAP = 1.2;

/** 5 → +3, 4 → +1.75, 3 → +0.5, 2 → -0.75, 1 → -2: a poor rating pushes similar spirits down. */
export const ratingWeight = (rating: number) => (rating - 2.6) * 1.25;

export type HistoryItem = {
  idx: number;
  weight: number;
  rating: number | null;
  purchasedAt: string | null;
  wished: boolean;
  /** Chose it in a poll (declared interest, src/modules/polls). */
  declared: boolean;
  /** The signal to name in a reason ("you rated 5", "you bought"). */
  strongest: SignalKind;
};

const STRENGTH: SignalKind[] = [
  "view",
  "click",
  "add_to_wishlist",
  "poll_interest",
  "wishlist",
  "purchase",
  "rating",
];

/** Per customer, what they did with each spirit, strongest first. */
export function buildHistories(
  index: CatalogIndex,
  signals: Iterable<EngineSignal>,
): Map<string, HistoryItem[]> {
  const perCustomer = new Map<string, Map<number, HistoryItem & { browse: number }>>();
  for (const s of signals) {
    const idx = index.index.get(s.spiritId);
    if (idx === undefined) continue;
    let items = perCustomer.get(s.customerId);
    if (!items) {
      items = new Map();
      perCustomer.set(s.customerId, items);
    }
    let h = items.get(idx);
    if (!h) {
      h = {
        idx,
        weight: 0,
        rating: null,
        purchasedAt: null,
        wished: false,
        declared: false,
        strongest: s.kind,
        browse: 0,
      };
      items.set(idx, h);
    }
    if (s.kind === "rating") {
      h.rating = s.value ?? null;
    } else if (s.kind === "purchase") {
      if (!h.purchasedAt || s.at > h.purchasedAt) h.purchasedAt = s.at;
    } else if (s.kind === "wishlist") {
      h.wished = true;
    } else if (s.kind === "poll_interest") {
      h.declared = true;
    } else {
      h.browse = Math.min(BROWSE_CAP, h.browse + SIGNAL_WEIGHTS[s.kind]);
    }
    const rank = (k: SignalKind) => (k === "rating" ? ((h.rating ?? 0) >= 4 ? 6 : 0) : STRENGTH.indexOf(k));
    if (rank(s.kind) > rank(h.strongest)) h.strongest = s.kind;
  }
  const out = new Map<string, HistoryItem[]>();
  for (const [customerId, items] of perCustomer) {
    const list: HistoryItem[] = [];
    for (const { browse, ...h } of items.values()) {
      let w = browse;
      if (h.purchasedAt) w += SIGNAL_WEIGHTS.purchase;
      if (h.wished) w += SIGNAL_WEIGHTS.wishlist;
      if (h.declared) w += SIGNAL_WEIGHTS.poll_interest;
      // A rating overrides what buying implied: a bought bottle rated 1 is a dislike.
      if (h.rating !== null)
        w = h.purchasedAt
          ? SIGNAL_WEIGHTS.purchase * 0.5 + ratingWeight(h.rating)
          : ratingWeight(h.rating) + browse;
      h.weight = w;
      list.push(h);
    }
    list.sort((a, b) => b.weight - a.weight);
    out.set(customerId, list);
  }
  return out;
}

export type Pause = () => Promise<void>;

/**
 * Item-to-item collaborative filtering: two spirits are neighbours when the same customers bought,
 * wished for or rated them highly (cosine over the customers' positive weights, shrunk when few
 * customers back it). Keeps the K best neighbours of each spirit, plus a popularity score.
 */
export class CollaborativeModel {
  readonly nbStart: Int32Array;
  readonly nbIdx: Int32Array;
  readonly nbSim: Float32Array;
  /** 0..1: how many customers showed positive interest, weighted by how strongly. */
  readonly popularity: Float32Array;

  private constructor(nbStart: Int32Array, nbIdx: Int32Array, nbSim: Float32Array, popularity: Float32Array) {
    this.nbStart = nbStart;
    this.nbIdx = nbIdx;
    this.nbSim = nbSim;
    this.popularity = popularity;
  }

  static async build(
    index: CatalogIndex,
    histories: Map<string, HistoryItem[]>,
    options: { neighbours?: number; maxItemsPerCustomer?: number; shrink?: number; pause?: Pause } = {},
  ): Promise<CollaborativeModel> {
    const K = options.neighbours ?? 40;
    const maxItems = options.maxItemsPerCustomer ?? 150;
    const shrink = options.shrink ?? 3;
    const n = index.n;
    // Customers as rows of positive weights (capped, so one collector with 2,000 bottles does not dominate).
    const userItems: Int32Array[] = [];
    const userWeights: Float32Array[] = [];
    const itemUsersCount = new Int32Array(n);
    const popularity = new Float32Array(n);
    for (const history of histories.values()) {
      const positive = history.filter((h) => h.weight > 0).slice(0, maxItems);
      if (!positive.length) continue;
      userItems.push(Int32Array.from(positive, (h) => h.idx));
      userWeights.push(Float32Array.from(positive, (h) => Math.min(3, h.weight)));
      for (const h of positive) {
        itemUsersCount[h.idx]!++;
        popularity[h.idx]! += Math.min(1, h.weight / SIGNAL_WEIGHTS.purchase);
      }
    }
    // Inverted lists: for each spirit, its customers and their weights (CSR layout).
    const itemStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) itemStart[i + 1] = itemStart[i]! + itemUsersCount[i]!;
    const itemUser = new Int32Array(itemStart[n]!);
    const itemWeight = new Float32Array(itemStart[n]!);
    const fill = itemStart.slice(0, n);
    const norm = new Float32Array(n);
    userItems.forEach((items, u) => {
      const ws = userWeights[u]!;
      for (let k = 0; k < items.length; k++) {
        const i = items[k]!;
        itemUser[fill[i]!] = u;
        itemWeight[fill[i]!] = ws[k]!;
        fill[i]!++;
        norm[i]! += ws[k]! * ws[k]!;
      }
    });
    for (let i = 0; i < n; i++) norm[i] = Math.sqrt(norm[i]!);

    const acc = new Float32Array(n);
    const support = new Int32Array(n);
    const touched: number[] = [];
    const nbStart = new Int32Array(n + 1);
    const nbIdx: number[] = [];
    const nbSim: number[] = [];
    for (let i = 0; i < n; i++) {
      if (options.pause && i % 500 === 499) await options.pause();
      touched.length = 0;
      for (let p = itemStart[i]!; p < itemStart[i + 1]!; p++) {
        const u = itemUser[p]!;
        const wi = itemWeight[p]!;
        const items = userItems[u]!;
        const ws = userWeights[u]!;
        for (let k = 0; k < items.length; k++) {
          const j = items[k]!;
          if (j === i) continue;
          if (support[j] === 0) touched.push(j);
          acc[j]! += wi * ws[k]!;
          support[j]!++;
        }
      }
      const scored: { j: number; sim: number }[] = [];
      for (const j of touched) {
        const sim = (acc[j]! / (norm[i]! * norm[j]! || 1)) * (support[j]! / (support[j]! + shrink));
        scored.push({ j, sim });
        acc[j] = 0;
        support[j] = 0;
      }
      if (scored.length > K) scored.sort((a, b) => b.sim - a.sim);
      for (const { j, sim } of scored.slice(0, K)) {
        nbIdx.push(j);
        nbSim.push(sim);
      }
      nbStart[i + 1] = nbIdx.length;
    }
    let maxPop = 0;
    for (let i = 0; i < n; i++) maxPop = Math.max(maxPop, popularity[i]!);
    if (maxPop > 0) for (let i = 0; i < n; i++) popularity[i] = popularity[i]! / maxPop;
    return new CollaborativeModel(nbStart, Int32Array.from(nbIdx), Float32Array.from(nbSim), popularity);
  }

  /** The collaborative similarity of two spirits (0 when neither lists the other). */
  similarity(a: number, b: number): number {
    for (let p = this.nbStart[a]!; p < this.nbStart[a + 1]!; p++)
      if (this.nbIdx[p] === b) return this.nbSim[p]!;
    return 0;
  }
}
