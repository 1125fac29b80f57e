import { FLAVOUR_DIMENSIONS } from "../../../db/schema/catalog.ts";
import { type CatalogIndex, D } from "./catalog-index.ts";
import { type CollaborativeModel, type HistoryItem, SIGNAL_WEIGHTS } from "./model.ts";
import { buildTaste, FLAVOUR_WORDS, type Taste, toTasteProfile } from "./taste.ts";
import type { EnginePreferences, ReasonCode, Recommendation, Strategy } from "./types.ts";

/** Said in reasons that rest on a poll answer, so a customer sees how much it counted. */
const DECLARED = `declared interest, weight ${SIGNAL_WEIGHTS.poll_interest}`;

/** How the content score weighs each part of a spirit against the customer's taste. */
export const CONTENT_WEIGHTS = {
  flavour: 1,
  type: 0.35,
  region: 0.15,
  distillery: 0.25,
  cask: 0.1,
  tags: 0.2,
  priceInside: 0.1,
  priceOutside: 0.35,
};
/**
 * The content share of the blend is K / (K + history size): all content for a newcomer, shifting to
 * collaborative filtering as their history grows, never below the floor.
 */
export const BLEND = { k: 3, floor: 0.2, popularity: 0.15, outOfStock: 0.8 };

/** "More like this": how much each part counts. */
export const MORE_LIKE_THIS = { content: 0.7, collaborative: 0.3, personal: 0.1 };

export type RecommendInput = {
  history: HistoryItem[];
  preferences?: EnginePreferences | undefined;
  limit: number;
  /** `hybrid` by default; the others exist for evaluation and for the fallbacks. */
  mode?: Strategy;
  /** Spirits never to offer (beyond the rules), by index. */
  exclude?: Set<number>;
};

export type RecommendResult = {
  items: Recommendation[];
  strategy: Strategy;
  /** 0..1, the content share of the blend. */
  contentWeight: number;
  taste: Taste;
};

type Parts = { content: number; collaborative: number; contributor: number };

/** Scores the whole catalog for one customer; its buffers are reused from one customer to the next. */
export class Recommender {
  private readonly content: Float32Array;
  private readonly collab: Float32Array;
  private readonly contribution: Float32Array;
  private readonly contributor: Int32Array;
  private readonly blocked: Uint8Array;

  constructor(
    readonly index: CatalogIndex,
    readonly cf: CollaborativeModel,
  ) {
    const n = index.n;
    this.content = new Float32Array(n);
    this.collab = new Float32Array(n);
    this.contribution = new Float32Array(n);
    this.contributor = new Int32Array(n);
    this.blocked = new Uint8Array(n);
  }

  recommend(input: RecommendInput): RecommendResult {
    const { index, cf } = this;
    const n = index.n;
    const taste = buildTaste(index, input.history, input.preferences);
    const newBatch = this.markBlocked(input, taste);

    const positive = input.history.filter((h) => h.weight > 0);
    let mode: Strategy = input.mode ?? "hybrid";
    const canContent = taste.hasContent;
    const canCollab = positive.length > 0;
    if (mode === "hybrid")
      mode =
        canContent && canCollab
          ? "hybrid"
          : canContent
            ? "content"
            : canCollab
              ? "collaborative"
              : "popularity";
    if (mode === "content" && !canContent) mode = "popularity";
    if (mode === "collaborative" && !canCollab) mode = "popularity";

    let cMin = Number.POSITIVE_INFINITY;
    let cMax = Number.NEGATIVE_INFINITY;
    let fMax = 0;
    if (mode === "hybrid" || mode === "content") {
      this.scoreContent(taste);
      for (let i = 0; i < n; i++) {
        if (this.blocked[i]) continue;
        const v = this.content[i]!;
        if (v < cMin) cMin = v;
        if (v > cMax) cMax = v;
      }
    }
    if (mode === "hybrid" || mode === "collaborative") {
      this.scoreCollaborative(input.history);
      for (let i = 0; i < n; i++) if (!this.blocked[i] && this.collab[i]! > fMax) fMax = this.collab[i]!;
      if (fMax <= 0 && mode === "collaborative") mode = "popularity";
    }
    let alpha = mode === "content" ? 1 : mode === "collaborative" || mode === "popularity" ? 0 : 1;
    if (mode === "hybrid")
      alpha = fMax > 0 ? Math.max(BLEND.floor, BLEND.k / (BLEND.k + taste.historySize)) : 1;
    const cRange = cMax > cMin ? cMax - cMin : 1;
    const popWeight = mode === "popularity" ? 1 : BLEND.popularity;

    // Keep the best `limit` in a small min-heap: one pass over the catalog, no full sort.
    const heapIdx = new Int32Array(input.limit);
    const heapScore = new Float64Array(input.limit);
    let size = 0;
    for (let i = 0; i < n; i++) {
      if (this.blocked[i]) continue;
      const c = alpha > 0 ? (this.content[i]! - cMin) / cRange : 0;
      const f = alpha < 1 && fMax > 0 ? this.collab[i]! / fMax : 0;
      let score = alpha * c + (1 - alpha) * f + popWeight * cf.popularity[i]!;
      if (!index.inStock[i]) score *= BLEND.outOfStock;
      if (size < input.limit) {
        heapIdx[size] = i;
        heapScore[size] = score;
        siftUp(heapIdx, heapScore, size++);
      } else if (score > heapScore[0]!) {
        heapIdx[0] = i;
        heapScore[0] = score;
        siftDown(heapIdx, heapScore, size);
      }
    }
    const order = Array.from({ length: size }, (_, k) => k).sort(
      (a, b) => heapScore[b]! - heapScore[a]! || heapIdx[a]! - heapIdx[b]!,
    );
    const items = order.map((k) => {
      const i = heapIdx[k]!;
      const parts: Parts = {
        content: alpha > 0 ? (alpha * (this.content[i]! - cMin)) / cRange : 0,
        collaborative: alpha < 1 && fMax > 0 ? ((1 - alpha) * this.collab[i]!) / fMax : 0,
        contributor: this.contributor[i]!,
      };
      return this.explain(i, heapScore[k]!, parts, mode, taste, input, newBatch);
    });
    return { items, strategy: mode, contentWeight: alpha, taste };
  }

  /** The taste in names, for the cache. */
  profileOf(taste: Taste) {
    return toTasteProfile(this.index, taste);
  }

  /** Spirits like one spirit ("more like this"), for this customer: its rules apply as everywhere. */
  moreLikeThis(contextIdx: number, input: RecommendInput): RecommendResult {
    const { index, cf } = this;
    const n = index.n;
    const taste = buildTaste(index, input.history, input.preferences);
    this.markBlocked(input, taste);
    this.blocked[contextIdx] = 1;
    this.scoreContent(taste);
    const neighbours = new Map<number, number>();
    let nMax = 0;
    for (let p = cf.nbStart[contextIdx]!; p < cf.nbStart[contextIdx + 1]!; p++) {
      neighbours.set(cf.nbIdx[p]!, cf.nbSim[p]!);
      nMax = Math.max(nMax, cf.nbSim[p]!);
    }
    // Mostly what the spirit is like; what its buyers also bought refines it; the customer's taste breaks ties.
    const sims = new Float32Array(n);
    let sMax = 0;
    for (let i = 0; i < n; i++) {
      if (this.blocked[i]) continue;
      sims[i] = index.similarity(contextIdx, i);
      sMax = Math.max(sMax, sims[i]!);
    }
    const scored: { i: number; score: number; sim: number; co: number }[] = [];
    for (let i = 0; i < n; i++) {
      if (this.blocked[i]) continue;
      const sim = sMax > 0 ? sims[i]! / sMax : 0;
      const co = nMax > 0 ? (neighbours.get(i) ?? 0) / nMax : 0;
      const personal = taste.hasContent ? Math.max(0, this.content[i]!) : 0;
      let score =
        MORE_LIKE_THIS.content * sim + MORE_LIKE_THIS.collaborative * co + MORE_LIKE_THIS.personal * personal;
      if (!index.inStock[i]) score *= BLEND.outOfStock;
      scored.push({ i, score, sim, co });
    }
    scored.sort((a, b) => b.score - a.score || a.i - b.i);
    const ctx = index.spirits[contextIdx]!;
    const items = scored.slice(0, input.limit).map(({ i, score, sim, co }): Recommendation => {
      const s = index.spirits[i]!;
      let reason: string;
      let collaborativeShare = 0;
      const c = MORE_LIKE_THIS.collaborative * co;
      const m = MORE_LIKE_THIS.content * sim;
      if (c + m > 0) collaborativeShare = c / (c + m);
      if (c > m) {
        reason = `popular with people who bought ${ctx.name}`;
      } else {
        const shared: string[] = [];
        if (index.distillery[i] === index.distillery[contextIdx]) shared.push("same distillery");
        else if (index.region[i] !== -1 && index.region[i] === index.region[contextIdx])
          shared.push(`also from ${s.region}`);
        const dims = sharedStrongDims(index, contextIdx, i);
        if (dims.length) shared.push(`a similar ${dims.join(" and ")} profile`);
        if (!shared.length && index.type[i] === index.type[contextIdx]) shared.push(`another ${s.type}`);
        reason = shared.length ? `more like ${ctx.name}: ${shared.join(", ")}` : `more like ${ctx.name}`;
      }
      return {
        spiritId: s.id,
        score: round(score),
        collaborativeShare: round(collaborativeShare),
        reasonCode: "more_like_this",
        reason,
        relatedSpiritId: ctx.id,
      };
    });
    return { items, strategy: "hybrid", contentWeight: MORE_LIKE_THIS.content, taste };
  }

  /** Marks what may never be offered; answers the bought spirits that came back as a new batch. */
  private markBlocked(input: RecommendInput, taste: Taste): Set<number> {
    const { index } = this;
    const n = index.n;
    const newBatch = new Set<number>();
    for (let i = 0; i < n; i++) this.blocked[i] = index.offerable[i] ? 0 : 1;
    if (taste.avoidTags.size) {
      for (let i = 0; i < n; i++) {
        for (let k = index.tagStart[i]!; k < index.tagStart[i + 1]!; k++) {
          if (taste.avoidTags.has(index.tagList[k]!)) {
            this.blocked[i] = 1;
            break;
          }
        }
      }
    }
    for (const h of input.history) {
      // Tasted already: rated it, or bought it (unless a newer batch has come since).
      if (h.rating !== null) this.blocked[h.idx] = 1;
      if (h.purchasedAt) {
        const batchAt = index.spirits[h.idx]!.newestBatchAt;
        if (batchAt && batchAt > h.purchasedAt && h.rating === null) newBatch.add(h.idx);
        else this.blocked[h.idx] = 1;
      }
    }
    for (const i of input.exclude ?? []) this.blocked[i] = 1;
    return newBatch;
  }

  private scoreContent(taste: Taste) {
    const { index } = this;
    const W = CONTENT_WEIGHTS;
    const out = this.content;
    const f = taste.flavour;
    const price = taste.price;
    for (let i = 0; i < index.n; i++) {
      let s = 0;
      if (taste.hasFlavour) {
        const o = i * D;
        for (let d = 0; d < D; d++) s += f[d]! * index.flavour[o + d]!;
        s *= W.flavour;
      }
      const t = index.type[i]!;
      const r = index.region[i]!;
      const ds = index.distillery[i]!;
      const c = index.cask[i]!;
      if (t >= 0) s += W.type * taste.type[t]!;
      if (r >= 0) s += W.region * taste.region[r]!;
      if (ds >= 0) s += W.distillery * taste.distillery[ds]!;
      if (c >= 0) s += W.cask * taste.cask[c]!;
      const t0 = index.tagStart[i]!;
      const t1 = index.tagStart[i + 1]!;
      if (t1 > t0) {
        let tags = 0;
        for (let k = t0; k < t1; k++) tags += taste.tag[index.tagList[k]!]!;
        s += (W.tags * tags) / Math.sqrt(t1 - t0);
      }
      if (price && index.currency[i] === price.currency) {
        const p = index.price[i]!;
        if (p >= price.lo && p <= price.hi) s += W.priceInside;
        else {
          const edge = p < price.lo ? price.lo : price.hi;
          s -= W.priceOutside * Math.min(1, Math.abs(p - edge) / Math.max(1, edge));
        }
      }
      out[i] = s;
    }
  }

  private scoreCollaborative(history: HistoryItem[]) {
    const { cf } = this;
    this.collab.fill(0);
    this.contribution.fill(0);
    this.contributor.fill(-1);
    for (const h of history.slice(0, 60)) {
      const w = Math.max(-3, Math.min(3, h.weight));
      for (let p = cf.nbStart[h.idx]!; p < cf.nbStart[h.idx + 1]!; p++) {
        const j = cf.nbIdx[p]!;
        const v = w * cf.nbSim[p]!;
        this.collab[j]! += v;
        if (v > this.contribution[j]!) {
          this.contribution[j] = v;
          this.contributor[j] = h.idx;
        }
      }
    }
  }

  private explain(
    i: number,
    score: number,
    parts: Parts,
    mode: Strategy,
    taste: Taste,
    input: RecommendInput,
    newBatch: Set<number>,
  ): Recommendation {
    const { index } = this;
    const s = index.spirits[i]!;
    const total = parts.content + parts.collaborative;
    const base = {
      spiritId: s.id,
      score: round(score),
      collaborativeShare: round(total > 0 ? parts.collaborative / total : 0),
    };
    const made = (reasonCode: ReasonCode, reason: string, related: number | null = null): Recommendation => ({
      ...base,
      reasonCode,
      reason,
      relatedSpiritId: related === null ? null : index.spirits[related]!.id,
    });
    if (newBatch.has(i)) return made("new_batch", `a new batch of ${s.name}, which you bought before`, i);
    if (mode === "popularity" || total <= 0) return made("popular", "popular with other customers");
    if (parts.collaborative >= parts.content && parts.contributor >= 0) {
      const h = input.history.find((x) => x.idx === parts.contributor);
      const y = index.spirits[parts.contributor]!.name;
      switch (h?.strongest) {
        case "purchase":
          return made("co_purchased", `popular with people who bought ${y}`, parts.contributor);
        case "rating":
          return made("co_rated", `liked by people who rated ${y} highly`, parts.contributor);
        case "wishlist":
        case "add_to_wishlist":
          return made("co_wishlisted", `often wished for alongside ${y}`, parts.contributor);
        case "poll_interest":
          return made(
            "co_declared",
            `liked by people who chose ${y} in a poll, as you did (${DECLARED})`,
            parts.contributor,
          );
        default:
          return made("co_viewed", `often looked at with ${y}`, parts.contributor);
      }
    }
    // Content: the spirit they showed most love for that this one is like, if one is close enough.
    let best = -1;
    let bestSim = 0;
    for (const h of input.history.slice(0, 15)) {
      if (h.weight <= 0) continue;
      const sim = index.similarity(h.idx, i);
      if (sim > bestSim) {
        bestSim = sim;
        best = h.idx;
      }
    }
    if (best >= 0 && bestSim >= 0.55) {
      const h = input.history.find((x) => x.idx === best)!;
      const x = index.spirits[best]!.name;
      if (h.strongest === "rating" && h.rating !== null) {
        return made("similar_to_rated", `similar to ${x}, which you rated ${h.rating}`, best);
      }
      if (h.strongest === "purchase")
        return made("similar_to_bought", `similar to ${x}, which you bought`, best);
      if (h.strongest === "wishlist" || h.strongest === "add_to_wishlist") {
        return made("similar_to_wished", `similar to ${x}, on your wishlist`, best);
      }
      if (h.strongest === "poll_interest") {
        return made("similar_to_declared", `similar to ${x}, which you chose in a poll (${DECLARED})`, best);
      }
      return made("similar_to_viewed", `similar to ${x}, which you looked at`, best);
    }
    const dims = profileDims(index, taste, i);
    if (dims.length) return made("profile_match", `matches your ${dims.join(" and ")} profile`);
    const prefs = input.preferences ?? {};
    const lower = (xs: string[] | undefined) => (xs ?? []).map((x) => x.toLowerCase());
    if (lower(prefs.favouriteDistilleries).includes(s.distillery.toLowerCase())) {
      return made("favourite_match", `from ${s.distillery}, one of your favourite distilleries`);
    }
    if (s.region && lower(prefs.favouriteRegions).includes(s.region.toLowerCase())) {
      return made("favourite_match", `from ${s.region}, one of your favourite regions`);
    }
    if (lower(prefs.favouriteTypes).includes(s.type))
      return made("favourite_match", `a ${s.type}, as you like`);
    return made("profile_match", "matches your taste profile");
  }
}

/** The customer's two most marked flavour leanings that this spirit clearly has. */
function profileDims(index: CatalogIndex, taste: Taste, i: number): string[] {
  if (!taste.hasFlavour) return [];
  return FLAVOUR_DIMENSIONS.map((dim, d) => ({
    dim,
    lean: taste.flavour[d]!,
    has: index.flavourRaw[i * D + d]!,
  }))
    .filter((x) => x.lean > 0.2 && x.has >= 3)
    .sort((a, b) => b.lean - a.lean)
    .slice(0, 2)
    .map((x) => FLAVOUR_WORDS[x.dim]);
}

function sharedStrongDims(index: CatalogIndex, a: number, b: number): string[] {
  return FLAVOUR_DIMENSIONS.map((dim, d) => ({
    dim,
    both: Math.min(index.flavourRaw[a * D + d]!, index.flavourRaw[b * D + d]!),
  }))
    .filter((x) => x.both >= 3 && x.dim !== "body")
    .sort((x, y) => y.both - x.both)
    .slice(0, 2)
    .map((x) => FLAVOUR_WORDS[x.dim]);
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function siftUp(idx: Int32Array, score: Float64Array, k: number) {
  while (k > 0) {
    const parent = (k - 1) >> 1;
    if (score[parent]! <= score[k]!) break;
    swap(idx, score, parent, k);
    k = parent;
  }
}

function siftDown(idx: Int32Array, score: Float64Array, size: number) {
  let k = 0;
  for (;;) {
    const l = 2 * k + 1;
    const r = l + 1;
    let m = k;
    if (l < size && score[l]! < score[m]!) m = l;
    if (r < size && score[r]! < score[m]!) m = r;
    if (m === k) return;
    swap(idx, score, m, k);
    k = m;
  }
}

function swap(idx: Int32Array, score: Float64Array, a: number, b: number) {
  const ti = idx[a]!;
  idx[a] = idx[b]!;
  idx[b] = ti;
  const ts = score[a]!;
  score[a] = score[b]!;
  score[b] = ts;
}
