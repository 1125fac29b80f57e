/**
 * A generated shop for the recommendations benchmark: a catalog of spirits in recognisable styles, and a
 * population whose behaviour follows hidden tastes, so there is a truth to find. What a customer does
 * depends on three hidden things, each visible to a different recommender:
 *  - their palate (a flavour profile near one or two styles): what content-based filtering can read;
 *  - the "circle" they belong to (collectors who chase the same cult bottles, whatever their style):
 *    visible only in co-purchases, i.e. to collaborative filtering;
 *  - each bottle's hidden appeal (quality, hype): what popularity captures.
 * Deterministic for a seed.
 */
import { FLAVOUR_DIMENSIONS } from "../src/db/schema/catalog.ts";
import type { EngineSignal, EngineSpirit } from "../src/modules/recommendations/engine/types.ts";

const D = FLAVOUR_DIMENSIONS.length;
type Dim = (typeof FLAVOUR_DIMENSIONS)[number];

/** mulberry32: small, fast, seeded. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, normal, pick, int: (n: number) => Math.floor(next() * n) };
}

type Style = {
  name: string;
  type: string;
  country: string;
  regions: string[];
  casks: string[];
  tags: string[];
  flavour: Partial<Record<Dim, number>>;
  price: number;
};

const STYLES: Style[] = [
  {
    name: "peated islay",
    type: "scotch",
    country: "GB",
    regions: ["Islay"],
    casks: ["Bourbon barrels", "Sherry butts"],
    tags: ["peated", "islay", "single-malt"],
    flavour: { smoky: 4, medicinal: 3, body: 3, citrus: 1 },
    price: 9000,
  },
  {
    name: "sherried speyside",
    type: "scotch",
    country: "GB",
    regions: ["Speyside"],
    casks: ["Oloroso sherry butts", "PX sherry"],
    tags: ["sherry-cask", "single-malt", "speyside"],
    flavour: { winey: 4, fruity: 3, sweetness: 3, nutty: 3, spicy: 1 },
    price: 8000,
  },
  {
    name: "light highland",
    type: "scotch",
    country: "GB",
    regions: ["Highlands", "Lowlands"],
    casks: ["Bourbon barrels"],
    tags: ["single-malt", "unpeated"],
    flavour: { floral: 3, fruity: 3, malty: 2, vanilla: 2, citrus: 2 },
    price: 6000,
  },
  {
    name: "island coastal",
    type: "scotch",
    country: "GB",
    regions: ["Islands", "Campbeltown"],
    casks: ["Refill hogsheads"],
    tags: ["coastal", "single-malt"],
    flavour: { smoky: 2, malty: 2, body: 3, spicy: 2, medicinal: 1 },
    price: 7000,
  },
  {
    name: "kentucky bourbon",
    type: "bourbon",
    country: "US",
    regions: ["Kentucky"],
    casks: ["New charred oak"],
    tags: ["bourbon", "small-batch"],
    flavour: { sweetness: 4, vanilla: 4, woody: 3, spicy: 2, body: 3 },
    price: 5000,
  },
  {
    name: "rye",
    type: "rye",
    country: "US",
    regions: ["Kentucky", "Indiana"],
    casks: ["New charred oak"],
    tags: ["rye", "spicy"],
    flavour: { spicy: 4, herbal: 2, woody: 3, body: 2 },
    price: 5500,
  },
  {
    name: "japanese",
    type: "japanese",
    country: "JP",
    regions: ["Hokkaido", "Yamanashi"],
    casks: ["Mizunara oak", "Sherry butts"],
    tags: ["japanese", "blended"],
    flavour: { floral: 3, fruity: 3, woody: 2, vanilla: 2, sweetness: 2 },
    price: 12000,
  },
  {
    name: "irish pot still",
    type: "irish",
    country: "IE",
    regions: ["Cork", "Dublin"],
    casks: ["Bourbon barrels", "Sherry butts"],
    tags: ["pot-still", "irish"],
    flavour: { fruity: 3, spicy: 3, malty: 2, sweetness: 2 },
    price: 5500,
  },
  {
    name: "funky rum",
    type: "rum",
    country: "JM",
    regions: ["Trelawny"],
    casks: ["Ex-bourbon"],
    tags: ["pot-still", "high-ester"],
    flavour: { fruity: 4, sweetness: 2, body: 3, spicy: 2, herbal: 1 },
    price: 6000,
  },
  {
    name: "sweet rum",
    type: "rum",
    country: "VE",
    regions: [],
    casks: ["Solera"],
    tags: ["solera", "column-still"],
    flavour: { sweetness: 4, vanilla: 3, nutty: 2, fruity: 2 },
    price: 4000,
  },
  {
    name: "london gin",
    type: "gin",
    country: "GB",
    regions: [],
    casks: [],
    tags: ["london-dry", "botanical"],
    flavour: { herbal: 4, citrus: 3, floral: 2, spicy: 1 },
    price: 3500,
  },
  {
    name: "floral gin",
    type: "gin",
    country: "DE",
    regions: [],
    casks: [],
    tags: ["botanical", "contemporary"],
    flavour: { floral: 4, citrus: 2, herbal: 3, fruity: 2 },
    price: 4000,
  },
  {
    name: "cognac",
    type: "cognac",
    country: "FR",
    regions: ["Grande Champagne", "Fins Bois"],
    casks: ["Limousin oak"],
    tags: ["xo", "grape"],
    flavour: { fruity: 3, woody: 3, vanilla: 2, nutty: 2, sweetness: 2, floral: 1 },
    price: 11000,
  },
  {
    name: "mezcal",
    type: "mezcal",
    country: "MX",
    regions: ["Oaxaca"],
    casks: [],
    tags: ["agave", "espadin"],
    flavour: { smoky: 3, herbal: 3, citrus: 2, spicy: 2 },
    price: 6500,
  },
  {
    name: "tequila",
    type: "tequila",
    country: "MX",
    regions: ["Jalisco"],
    casks: ["Ex-bourbon"],
    tags: ["agave", "reposado"],
    flavour: { herbal: 3, citrus: 3, sweetness: 2, vanilla: 1 },
    price: 5000,
  },
];
const EXTRA_TAGS = [
  "cask-strength",
  "single-cask",
  "independent-bottler",
  "limited",
  "natural-colour",
  "non-chill-filtered",
  "vintage",
  "old",
  "award-winner",
  "organic",
];

export type Population = {
  spirits: EngineSpirit[];
  /** Per customer, their events in time order. */
  events: Map<string, EngineSignal[]>;
  preferences: Map<string, { flavourProfile?: Record<string, number> }>;
  customers: string[];
};

function styleVector(style: Style): Float64Array {
  const v = new Float64Array(D);
  FLAVOUR_DIMENSIONS.forEach((d, k) => {
    v[k] = style.flavour[d] ?? 0;
  });
  return v;
}

export type Rng = ReturnType<typeof rng>;
export const STYLE_COUNT = STYLES.length;
const DISTILLERIES = STYLES.map((s) => Array.from({ length: 25 }, (_, k) => `${s.name} distillery ${k + 1}`));

/**
 * One catalog spirit of style `si`: type, region, distillery, cask, tags, flavour and price as a shop
 * lists them, plus the hidden appeal and circle this population gives it. Those two are drawn midway,
 * where this generator always drew them, so a seed keeps giving the same shop.
 */
export function drawCatalogSpirit(r: Rng, i: number, si: number, circles: number) {
  const style = STYLES[si]!;
  const base = styleVector(style);
  const profile: Record<string, number> = {};
  const flavour = FLAVOUR_DIMENSIONS.map((d, k) => {
    const x = Math.max(0, Math.min(4, Math.round(base[k]! + r.normal() * 0.9)));
    if (x > 0) profile[d] = x;
    return x;
  });
  const age = [0, 8, 10, 12, 15, 18, 21, 25][r.int(8)]!;
  const tags = [...style.tags.filter(() => r.next() < 0.8), ...(r.next() < 0.5 ? [r.pick(EXTRA_TAGS)] : [])];
  const appeal = r.normal();
  const circle = r.int(circles);
  const spirit: EngineSpirit = {
    id: `spr_${String(i).padStart(6, "0")}`,
    name: `${style.name} ${age ? `${age} year old ` : ""}#${i}`,
    type: style.type,
    region: style.regions.length ? r.pick(style.regions) : null,
    distillery: r.pick(DISTILLERIES[si]!),
    caskType: style.casks.length ? r.pick(style.casks) : null,
    tags: [...new Set(tags)],
    flavour: profile,
    priceMinor: Math.round(style.price * (1 + age / 12) * Math.exp(r.normal() * 0.25)),
    currency: "GBP",
    offerable: r.next() > 0.01,
    inStock: r.next() > 0.15,
    newestBatchAt: null,
  };
  return { spirit, flavour, appeal, circle };
}

export function generatePopulation(options: {
  spirits: number;
  customers: number;
  circles?: number;
  seed?: number;
}): Population {
  const r = rng(options.seed ?? 7);
  const circles = options.circles ?? 40;
  const n = options.spirits;
  const spirits: EngineSpirit[] = [];
  const flavour = new Float64Array(n * D);
  const appeal = new Float64Array(n);
  const circleOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const drawn = drawCatalogSpirit(r, i, r.int(STYLES.length), circles);
    drawn.flavour.forEach((x, k) => {
      flavour[i * D + k] = x;
    });
    appeal[i] = drawn.appeal;
    circleOf[i] = drawn.circle;
    spirits.push(drawn.spirit);
  }
  // Centred unit flavour vectors for the hidden utility.
  const mean = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let k = 0; k < D; k++) mean[k]! += flavour[i * D + k]! / n;
  const unit = (v: Float64Array, o: number) => {
    let s = 0;
    for (let k = 0; k < D; k++) s += (v[o + k]! - mean[k]!) ** 2;
    const inv = 1 / Math.sqrt(s || 1);
    for (let k = 0; k < D; k++) v[o + k] = (v[o + k]! - mean[k]!) * inv;
  };
  for (let i = 0; i < n; i++) unit(flavour, i * D);
  // What a shopper sees when browsing: a random slice of the catalog plus what is in the spotlight.
  const spotlight = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => appeal[b]! - appeal[a]!)
    .slice(0, Math.max(50, Math.floor(n / 100)));

  const events = new Map<string, EngineSignal[]>();
  const preferences = new Map<string, { flavourProfile?: Record<string, number> }>();
  const customers: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let u = 0; u < options.customers; u++) {
    const id = `cus_${String(u).padStart(6, "0")}`;
    customers.push(id);
    const palate = new Float64Array(D);
    const a = styleVector(STYLES[r.int(STYLES.length)]!);
    const b = styleVector(STYLES[r.int(STYLES.length)]!);
    const mix = r.next() < 0.5 ? 1 : 0.6 + r.next() * 0.3;
    for (let k = 0; k < D; k++) palate[k] = mix * a[k]! + (1 - mix) * b[k]! + r.normal() * 0.5;
    // Half the customers declared a taste at sign-up: a noisy picture of the real one.
    if (r.next() < 0.5) {
      const declared: Record<string, number> = {};
      FLAVOUR_DIMENSIONS.forEach((d, k) => {
        const x = Math.max(0, Math.min(4, Math.round(palate[k]! + r.normal() * 1.0)));
        if (x > 0) declared[d] = x;
      });
      preferences.set(id, { flavourProfile: declared });
    }
    unit(palate, 0);
    const circle = r.int(circles);
    const budget = 5000 * Math.exp(r.normal() * 0.6) * 1.6;
    const utility = (i: number) => {
      let dot = 0;
      for (let k = 0; k < D; k++) dot += palate[k]! * flavour[i * D + k]!;
      const price = spirits[i]!.priceMinor;
      return (
        2.2 * dot +
        (circleOf[i] === circle ? 1.6 : 0) +
        0.5 * appeal[i]! -
        (price > budget ? (price - budget) / budget : 0)
      );
    };
    const count = 6 + Math.floor(-Math.log(r.next() + 1e-9) * 18);
    const list: EngineSignal[] = [];
    let t = start + r.int(200) * 86_400_000;
    for (let e = 0; e < Math.min(count, 120); e++) {
      let best = -1;
      let bestU = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < 220; c++) {
        const i = c < 20 ? spotlight[r.int(spotlight.length)]! : r.int(n);
        const gumbel = -Math.log(-Math.log(r.next() + 1e-12) + 1e-12);
        const x = utility(i) + 0.7 * gumbel;
        if (x > bestU) {
          bestU = x;
          best = i;
        }
      }
      t += (1 + r.int(72)) * 3_600_000;
      const roll = r.next();
      const kind = roll < 0.45 ? "view" : roll < 0.55 ? "click" : roll < 0.68 ? "wishlist" : "purchase";
      const at = new Date(t).toISOString();
      const spiritId = spirits[best]!.id;
      list.push({ customerId: id, spiritId, kind, at });
      if (kind === "purchase" && r.next() < 0.35) {
        const rating = Math.max(1, Math.min(5, Math.round(3 + (utility(best) - 1) * 0.9 + r.normal() * 0.6)));
        list.push({
          customerId: id,
          spiritId,
          kind: "rating",
          value: rating,
          at: new Date(t + 86_400_000).toISOString(),
        });
        t += 86_400_000;
      }
    }
    events.set(id, list);
  }
  return { spirits, events, preferences, customers };
}
