import {
  FLAVOUR_DIMENSIONS,
  FLAVOUR_SCORE_MAX,
  type FlavourDimension,
  type FlavourProfile,
  type TastingNotes,
} from "../schema/catalog.ts";
import type { Rng } from "./prng.ts";
import type { CaskFamily, Kind } from "./world.ts";

/**
 * Flavour profiles that follow from how a spirit was made (kind, cask, peat, age), and tasting notes
 * written only from the words of the dimensions the profile scores: a smoky profile reads smoky, and a
 * spirit that scores no smoke never mentions it.
 */

type Scores = Partial<Record<FlavourDimension, number>>;

const KIND_BASE: Record<Kind, Scores> = {
  malt: { body: 2, malty: 2, sweetness: 2, fruity: 2 },
  grain: { body: 1, sweetness: 3, vanilla: 2, fruity: 1, malty: 1 },
  blend: { body: 2, sweetness: 2, malty: 1, vanilla: 1, fruity: 1 },
  "pot-still": { body: 3, spicy: 3, fruity: 2, sweetness: 2, malty: 1 },
  bourbon: { body: 3, sweetness: 3, vanilla: 3, woody: 2, spicy: 2 },
  rye: { body: 2, spicy: 4, herbal: 1, sweetness: 2, vanilla: 2, woody: 2 },
  rum: { body: 3, sweetness: 3, fruity: 3, spicy: 1, vanilla: 1 },
  agricole: { body: 2, herbal: 3, fruity: 2, citrus: 1, sweetness: 1, floral: 1 },
  cognac: { body: 2, fruity: 3, floral: 2, vanilla: 1, sweetness: 2 },
  armagnac: { body: 3, fruity: 3, woody: 2, spicy: 2, nutty: 1 },
  calvados: { body: 2, fruity: 4, citrus: 1, sweetness: 2, woody: 1 },
  brandy: { body: 3, sweetness: 3, fruity: 3, nutty: 2, winey: 2 },
  mezcal: { body: 2, smoky: 3, herbal: 2, fruity: 2, citrus: 1, spicy: 1 },
  tequila: { body: 2, herbal: 3, fruity: 2, citrus: 2, spicy: 2, sweetness: 1 },
  gin: { body: 1, herbal: 4, citrus: 3, floral: 2, spicy: 1 },
  vodka: { body: 1, sweetness: 1, malty: 1, spicy: 1 },
  liqueur: { body: 3, sweetness: 4, herbal: 3, citrus: 1 },
};

const CASK_EFFECT: Record<CaskFamily, Scores> = {
  bourbon: { vanilla: 2, sweetness: 1, fruity: 1 },
  sherry: { winey: 3, fruity: 2, nutty: 2, spicy: 1, sweetness: 1 },
  port: { winey: 2, fruity: 2, sweetness: 1 },
  wine: { winey: 2, fruity: 1, floral: 1 },
  rum: { sweetness: 2, fruity: 1 },
  "virgin-oak": { vanilla: 2, woody: 2, spicy: 1 },
  "new-charred-oak": { vanilla: 1, woody: 1 },
  mizunara: { woody: 2, floral: 1, spicy: 1 },
  "french-oak": { woody: 2, spicy: 1, vanilla: 1 },
  refill: { malty: 1 },
  none: {},
};

export type FruitFamily = "orchard" | "dried" | "tropical" | "red" | "grape" | "apple" | "agave" | "citrusy";

export type FlavourFacts = {
  kind: Kind;
  cask: CaskFamily;
  finish: CaskFamily | null;
  peated: boolean;
  heavilyPeated: boolean;
  /** Islay peat tastes of iodine and the sea; mainland peat mostly of smoke. */
  maritime: boolean;
  ageYears: number | null;
  caskStrength: boolean;
};

const clamp = (n: number) => Math.max(0, Math.min(FLAVOUR_SCORE_MAX, Math.round(n)));

export function buildProfile(rng: Rng, f: FlavourFacts): FlavourProfile {
  const s: Record<FlavourDimension, number> = Object.fromEntries(
    FLAVOUR_DIMENSIONS.map((d) => [d, KIND_BASE[f.kind][d] ?? 0]),
  ) as Record<FlavourDimension, number>;
  const add = (effect: Scores, factor = 1) => {
    for (const [d, v] of Object.entries(effect) as [FlavourDimension, number][]) s[d] += v * factor;
  };
  add(CASK_EFFECT[f.cask]);
  if (f.finish) add(CASK_EFFECT[f.finish], 0.6);
  if (f.peated) {
    s.smoky = f.heavilyPeated ? 4 : 3;
    s.medicinal = f.maritime ? rng.int(2, 4) : rng.int(0, 1);
    s.body += 1;
    s.floral = Math.max(0, s.floral - 1);
  }
  const age = f.ageYears ?? 0;
  if (age >= 18) {
    s.woody += 1;
    s.nutty += 1;
  }
  if (age >= 25) {
    s.fruity += 1;
    s.smoky -= 1;
    s.woody += 1;
  }
  if (f.caskStrength) s.body += 1;
  const out: FlavourProfile = {};
  for (const d of FLAVOUR_DIMENSIONS) {
    let v = s[d];
    // A little bottle-to-bottle variation, but never inventing a dimension from nothing.
    if (v > 0 && d !== "smoky" && rng.chance(0.3)) v += rng.chance(0.5) ? 1 : -1;
    const score = clamp(v);
    if (score > 0) out[d] = score;
  }
  // The defining smoke of a peated spirit survives the noise and the fading with age.
  if (f.peated) out.smoky = Math.max(out.smoky ?? 0, f.heavilyPeated ? 3 : 2);
  return out;
}

export function fruitFamily(f: Pick<FlavourFacts, "kind" | "cask" | "finish" | "ageYears">): FruitFamily {
  const cask = f.finish ?? f.cask;
  if (cask === "sherry") return "dried";
  if (cask === "port" || cask === "wine") return "red";
  if (cask === "rum") return "tropical";
  switch (f.kind) {
    case "cognac":
      return "grape";
    case "calvados":
      return "apple";
    case "armagnac":
    case "brandy":
      return "dried";
    case "mezcal":
    case "tequila":
      return "agave";
    case "rum":
    case "agricole":
      return "tropical";
    case "gin":
      return "citrusy";
    default:
      return (f.ageYears ?? 0) >= 25 ? "tropical" : "orchard";
  }
}

const FRUIT_WORDS: Record<FruitFamily, readonly string[]> = {
  orchard: ["green apple", "pear", "white peach", "apricot", "ripe banana", "poached pear"],
  dried: ["raisins", "sultanas", "dates", "figs", "prunes", "Christmas cake"],
  tropical: ["pineapple", "mango", "overripe banana", "passion fruit", "papaya", "guava"],
  red: ["cherry", "raspberry", "redcurrant", "strawberry jam", "plum", "blackberry"],
  grape: ["white grape", "apricot", "candied peach", "quince", "mirabelle plum"],
  apple: ["baked apple", "cider apples", "apple peel", "tarte tatin", "pear drops"],
  agave: ["cooked agave", "ripe melon", "green mango", "roasted pineapple"],
  citrusy: ["kumquat", "yuzu", "bitter orange"],
};

/** The words each dimension may use; exported so tests can check notes against profiles. */
export const DIMENSION_WORDS: Record<Exclude<FlavourDimension, "body" | "fruity">, readonly string[]> = {
  smoky: [
    "peat smoke",
    "bonfire embers",
    "smoked kippers",
    "charred wood",
    "tarry rope",
    "wood ash",
    "kiln smoke",
    "campfire smoke",
    "smoked bacon",
    "soot",
  ],
  medicinal: ["iodine", "TCP", "seaweed", "sea spray", "antiseptic", "brine", "wet rope", "rock pools"],
  spicy: ["black pepper", "clove", "cinnamon", "nutmeg", "ginger", "aniseed", "rye spice", "chilli"],
  floral: ["heather", "honeysuckle", "violet", "rose petals", "orange blossom", "elderflower", "jasmine"],
  woody: ["oak", "cedar", "sandalwood", "pencil shavings", "old leather", "polished oak", "tobacco leaf"],
  malty: ["malted barley", "digestive biscuits", "fresh bread", "cereal", "shortbread", "porridge oats"],
  winey: ["dark sherry", "ruby port", "red grape skins", "mulled wine", "fortified wine", "tannic grape"],
  nutty: ["walnuts", "hazelnut", "toasted almonds", "marzipan", "praline", "rancio"],
  vanilla: ["vanilla", "custard", "crème brûlée", "toffee", "butterscotch", "caramel", "coconut"],
  sweetness: ["honey", "golden syrup", "brown sugar", "molasses", "maple syrup", "fudge", "treacle"],
  herbal: ["juniper", "pine needles", "fresh-cut grass", "mint", "eucalyptus", "sage", "sugar cane"],
  citrus: ["lemon zest", "orange peel", "lime", "grapefruit", "candied citrus", "bergamot"],
};

/** Peat smoke for whisky; wood and roasted-agave smoke for mezcal and the rest. */
export type Smoke = "peat" | "wood";

const WOOD_SMOKE = [
  "campfire smoke",
  "charred wood",
  "wood ash",
  "roasted agave",
  "mesquite smoke",
  "embers",
];

export const smokeOf = (kind: Kind): Smoke => (kind === "mezcal" ? "wood" : "peat");

export function wordsOf(d: FlavourDimension, fruit: FruitFamily, smoke: Smoke = "peat"): readonly string[] {
  if (d === "body") return [];
  if (d === "fruity") return FRUIT_WORDS[fruit];
  if (d === "smoky" && smoke === "wood") return WOOD_SMOKE;
  return DIMENSION_WORDS[d];
}

/** Every word the notes may contain for a dimension, whatever the fruit family (for tests). */
export function allWordsOf(d: FlavourDimension): readonly string[] {
  if (d === "fruity") return Object.values(FRUIT_WORDS).flat();
  if (d === "smoky") return [...DIMENSION_WORDS.smoky, ...WOOD_SMOKE];
  return d === "body" ? [] : DIMENSION_WORDS[d];
}

const BODY_WORDS = ["Light", "Light", "Medium-bodied", "Rich", "Oily and full-bodied"];
const FINISH_LENGTH = ["Short", "Medium", "Medium-long", "Long", "Very long"];

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function list(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/**
 * Nose, palate and finish. Every dimension scored 3 or more appears in the nose or the palate; lesser
 * ones may add "a touch of"; dimensions the profile does not score never appear.
 */
export function writeTastingNotes(
  rng: Rng,
  profile: FlavourProfile,
  fruit: FruitFamily,
  ageYears: number | null,
  smoke: Smoke = "peat",
): TastingNotes {
  const scored = (Object.entries(profile) as [FlavourDimension, number][])
    .filter(([d, v]) => d !== "body" && v > 0)
    .map(([d, v]) => ({ d, v, r: rng.next() }))
    .sort((a, b) => b.v - a.v || a.r - b.r);
  const used = new Set<string>();
  const word = (d: FlavourDimension) => {
    const options = wordsOf(d, fruit, smoke).filter((w) => !used.has(w));
    if (!options.length) return undefined;
    const w = rng.pick(options);
    used.add(w);
    return w;
  };
  const major = scored.filter((x) => x.v >= 3).map((x) => x.d);
  const minor = scored.filter((x) => x.v < 3).map((x) => x.d);

  const noseDims = [...major.slice(0, 3), ...minor.slice(0, Math.max(0, 3 - major.length))];
  const nose = noseDims.map(word).filter((w): w is string => !!w);
  // Every major dimension the nose had no room for goes on the palate, topped up with the leading ones.
  const rest = major.slice(3);
  const palateDims = [...rest, ...major.slice(0, Math.max(0, 2 - rest.length))];
  const palateWords = palateDims.map(word).filter((w): w is string => !!w);
  const touch = minor.length ? word(rng.pick(minor)) : undefined;
  const body = BODY_WORDS[profile.body ?? 1]!;
  const palate = `${body}; ${list(palateWords.length ? palateWords : nose.slice(0, 1))}${touch ? `, with a touch of ${touch}` : ""}.`;

  const lengthIndex = Math.min(4, Math.max(0, Math.floor((profile.body ?? 1) / 2 + (ageYears ?? 0) / 12)));
  const finishDims = scored.slice(0, 2).map((x) => x.d);
  const finishWords = finishDims.map(word).filter((w): w is string => !!w);
  return {
    nose: `${capitalise(list(nose))}.`,
    palate,
    finish: `${FINISH_LENGTH[lengthIndex]}${finishWords.length ? `; ${list(finishWords)}` : ""}.`,
  };
}
