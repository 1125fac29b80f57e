import type { FLAVOUR_DIMENSIONS } from "../../../db/schema/catalog.ts";
import type { TasteProfile } from "../../../db/schema/recommendations.ts";
import { type CatalogIndex, D, normaliseCask } from "./catalog-index.ts";
import type { HistoryItem } from "./model.ts";
import type { EnginePreferences } from "./types.ts";

/** Declared favourites count like a strong signal; the family names reach their members. */
const FAMILIES: Record<string, string[]> = {
  whisky: ["whisky", "scotch", "bourbon", "rye", "irish", "japanese"],
  brandy: ["brandy", "cognac", "armagnac", "calvados"],
};
const DECLARED_FLAVOUR_WEIGHT = 3;
const FAVOURITE_WEIGHT = 0.6;
/** Only the strongest signals shape the profile (a long browsing tail adds noise, not taste). */
const PROFILE_ITEMS = 100;

/** A customer's taste in the catalog's codes: what the content model scores against. */
export type Taste = {
  flavour: Float32Array;
  hasFlavour: boolean;
  type: Float32Array;
  region: Float32Array;
  distillery: Float32Array;
  cask: Float32Array;
  tag: Float32Array;
  price: { lo: number; hi: number; currency: number } | null;
  avoidTags: Set<number>;
  historySize: number;
  hasContent: boolean;
};

export function buildTaste(
  index: CatalogIndex,
  history: HistoryItem[],
  prefs: EnginePreferences = {},
): Taste {
  const taste: Taste = {
    flavour: new Float32Array(D),
    hasFlavour: false,
    type: new Float32Array(index.types.size),
    region: new Float32Array(index.regions.size),
    distillery: new Float32Array(index.distilleries.size),
    cask: new Float32Array(index.casks.size),
    tag: new Float32Array(index.tags.size),
    price: null,
    avoidTags: new Set((prefs.avoidTags ?? []).map((t) => index.tags.find(t)).filter((c) => c >= 0)),
    historySize: 0,
    hasContent: false,
  };
  let total = 0;
  const top = history.slice(0, PROFILE_ITEMS);
  for (const h of top) {
    const w = h.weight;
    if (w > 0) taste.historySize++;
    total += Math.abs(w);
    const i = h.idx;
    for (let d = 0; d < D; d++) taste.flavour[d]! += w * index.flavour[i * D + d]!;
    bump(taste.type, index.type[i]!, w);
    bump(taste.region, index.region[i]!, w);
    bump(taste.distillery, index.distillery[i]!, w);
    bump(taste.cask, index.cask[i]!, w);
    for (let k = index.tagStart[i]!; k < index.tagStart[i + 1]!; k++) bump(taste.tag, index.tagList[k]!, w);
  }
  if (total > 0) {
    for (const arr of [taste.type, taste.region, taste.distillery, taste.cask, taste.tag]) {
      for (let k = 0; k < arr.length; k++) arr[k] = arr[k]! / total;
    }
    for (let d = 0; d < D; d++) taste.flavour[d] = taste.flavour[d]! / total;
  }
  const declared = index.flavourVector(prefs.flavourProfile);
  if (declared) {
    // Blended so that a long history outweighs what was declared once at sign-up.
    const share = DECLARED_FLAVOUR_WEIGHT / (DECLARED_FLAVOUR_WEIGHT + total);
    for (let d = 0; d < D; d++) taste.flavour[d] = (1 - share) * taste.flavour[d]! + share * declared[d]!;
  }
  taste.hasFlavour = normalise(taste.flavour);
  for (const t of prefs.favouriteTypes ?? []) {
    for (const member of FAMILIES[t] ?? [t]) bump(taste.type, index.types.find(member), FAVOURITE_WEIGHT);
  }
  for (const r of prefs.favouriteRegions ?? []) bump(taste.region, index.regions.find(r), FAVOURITE_WEIGHT);
  for (const d of prefs.favouriteDistilleries ?? []) {
    bump(taste.distillery, index.distilleries.find(d), FAVOURITE_WEIGHT);
  }
  taste.price = priceRange(index, top, prefs);
  taste.hasContent =
    taste.hasFlavour ||
    [taste.type, taste.region, taste.distillery, taste.tag].some((a) => a.some((x) => x !== 0)) ||
    taste.price !== null;
  return taste;
}

function bump(arr: Float32Array, code: number, w: number) {
  if (code >= 0 && code < arr.length) arr[code]! += w;
}

function normalise(v: Float32Array): boolean {
  let norm = 0;
  for (let d = 0; d < v.length; d++) norm += v[d]! * v[d]!;
  if (norm < 1e-9) return false;
  const inv = 1 / Math.sqrt(norm);
  for (let d = 0; d < v.length; d++) v[d] = v[d]! * inv;
  return true;
}

/** The declared price range, or one read from what they bought (in the currency they mostly pay in). */
function priceRange(index: CatalogIndex, history: HistoryItem[], prefs: EnginePreferences): Taste["price"] {
  const declared = prefs.priceRange;
  if (declared && (declared.minMinor !== undefined || declared.maxMinor !== undefined)) {
    const currency = index.currencies.find(declared.currency);
    if (currency >= 0) {
      return { lo: declared.minMinor ?? 0, hi: declared.maxMinor ?? Number.POSITIVE_INFINITY, currency };
    }
  }
  const bought = history.filter((h) => h.purchasedAt && h.weight > 0);
  if (bought.length < 2) return null;
  const byCurrency = new Map<number, number[]>();
  for (const h of bought) {
    const c = index.currency[h.idx]!;
    byCurrency.set(c, [...(byCurrency.get(c) ?? []), index.price[h.idx]!]);
  }
  const [currency, prices] = [...byCurrency].sort((a, b) => b[1].length - a[1].length)[0]!;
  prices.sort((a, b) => a - b);
  const median = prices[Math.floor(prices.length / 2)]!;
  return { lo: Math.min(prices[0]!, median * 0.5), hi: Math.max(prices.at(-1)!, median * 2), currency };
}

/** The taste in names rather than codes, kept in the cache to re-rank listings without the model. */
export function toTasteProfile(index: CatalogIndex, taste: Taste): TasteProfile {
  const named = (arr: Float32Array, vocab: { names: string[] }) => {
    const out: Record<string, number> = {};
    arr.forEach((w, k) => {
      if (Math.abs(w) > 0.01) out[vocab.names[k]!.toLowerCase()] = Math.round(w * 1000) / 1000;
    });
    return out;
  };
  return {
    flavour: taste.hasFlavour ? Array.from(taste.flavour, (x) => Math.round(x * 1000) / 1000) : [],
    flavourMean: Array.from(index.mean, (x) => Math.round(x * 1000) / 1000),
    types: named(taste.type, index.types),
    regions: named(taste.region, index.regions),
    distilleries: named(taste.distillery, index.distilleries),
    casks: named(taste.cask, index.casks),
    tags: named(taste.tag, index.tags),
    price: taste.price
      ? {
          minMinor: Math.round(taste.price.lo),
          maxMinor: Number.isFinite(taste.price.hi) ? Math.round(taste.price.hi) : Number.MAX_SAFE_INTEGER,
          currency: index.currencies.names[taste.price.currency]!,
        }
      : null,
    historySize: taste.historySize,
  };
}

export const FLAVOUR_WORDS: Record<(typeof FLAVOUR_DIMENSIONS)[number], string> = {
  body: "full-bodied",
  sweetness: "sweet",
  smoky: "smoky",
  medicinal: "medicinal",
  spicy: "spicy",
  fruity: "fruity",
  floral: "floral",
  woody: "oaky",
  malty: "malty",
  winey: "winey",
  nutty: "nutty",
  vanilla: "vanilla",
  herbal: "herbal",
  citrus: "citrus",
};

export { normaliseCask };
