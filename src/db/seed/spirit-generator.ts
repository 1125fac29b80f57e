import type { Award, SpiritRow, SpiritStatus } from "../schema/catalog.ts";
import { buildProfile, type FlavourFacts, fruitFamily, smokeOf, writeTastingNotes } from "./flavour.ts";
import { createRng, hashString, mixSeed, type Rng } from "./prng.ts";
import {
  BOTTLERS,
  CASKS,
  type CaskFamily,
  COGNAC_CRUS,
  COMPETITIONS,
  FINISHES,
  GIN_BOTANICALS,
  type Kind,
  MEZCAL_AGAVES,
  NAS_NAMES,
  REGIONS,
  type Region,
} from "./world.ts";

/** What every spirit of one generated catalog shares. */
export type GeneratorOptions = {
  seed: number;
  /** "Now" for release dates and statuses; the catalog's content does not depend on it beyond dates. */
  now: Date;
  /** ISO 4217 code with two decimals; prices are set in pounds and converted. */
  currency: string;
};

/** Rough rates from pounds, so a catalog in another currency has plausible prices. */
const FROM_GBP: Record<string, number> = { GBP: 1, EUR: 1.17, USD: 1.27, CHF: 1.12, CAD: 1.72, AUD: 1.93 };
export const GENERATOR_CURRENCIES = Object.keys(FROM_GBP);

const DAY = 86_400_000;

/** Base price in pounds of a standard bottling of each kind. */
const BASE_PRICE: Record<Kind, number> = {
  malt: 45,
  grain: 38,
  blend: 32,
  "pot-still": 50,
  bourbon: 40,
  rye: 45,
  rum: 38,
  agricole: 42,
  cognac: 40,
  armagnac: 50,
  calvados: 42,
  brandy: 35,
  mezcal: 50,
  tequila: 45,
  gin: 34,
  vodka: 28,
  liqueur: 26,
};

const WHISKY_KINDS: readonly Kind[] = ["malt", "grain", "blend", "pot-still", "bourbon", "rye"];
const BRANDY_KINDS: readonly Kind[] = ["cognac", "armagnac", "calvados", "brandy"];

type AgeTable = readonly (readonly [number | null, number])[];
const AGES: Partial<Record<Kind, AgeTable>> = {
  malt: [
    [null, 22],
    [8, 2],
    [10, 8],
    [12, 10],
    [14, 4],
    [15, 5],
    [16, 4],
    [17, 2],
    [18, 7],
    [20, 2],
    [21, 4],
    [23, 1],
    [25, 3],
    [27, 1],
    [30, 2],
    [35, 1],
    [40, 0.5],
    [45, 0.2],
    [50, 0.1],
  ],
  grain: [
    [null, 3],
    [12, 2],
    [18, 2],
    [21, 2],
    [25, 2],
    [30, 2],
    [35, 1],
    [40, 1],
    [45, 0.5],
    [50, 0.3],
  ],
  blend: [
    [null, 12],
    [12, 4],
    [15, 2],
    [17, 2],
    [18, 2],
    [21, 2],
    [25, 1],
    [30, 0.5],
  ],
  "pot-still": [
    [null, 8],
    [10, 2],
    [12, 5],
    [15, 3],
    [18, 2],
    [21, 2],
    [27, 0.5],
  ],
  bourbon: [
    [null, 10],
    [4, 3],
    [6, 2],
    [8, 3],
    [10, 3],
    [12, 3],
    [15, 2],
    [17, 1],
    [20, 0.6],
    [23, 0.3],
  ],
  rye: [
    [null, 10],
    [4, 3],
    [6, 3],
    [7, 2],
    [10, 2],
    [13, 1],
    [15, 1],
  ],
  rum: [
    [null, 8],
    [3, 2],
    [5, 2],
    [8, 3],
    [10, 3],
    [12, 3],
    [15, 2],
    [18, 1],
    [21, 1],
    [25, 0.6],
    [30, 0.3],
  ],
  calvados: [
    [null, 6],
    [6, 2],
    [12, 2],
    [15, 1],
    [20, 1],
    [30, 0.5],
  ],
};

const MEDAL_WEIGHTS = [
  ["gold", 30],
  ["silver", 35],
  ["bronze", 20],
  ["double_gold", 6],
  ["platinum", 2],
  ["best_in_class", 3],
  ["trophy", 2],
  ["commended", 2],
] as const;

const slug = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Weighted producer choice: the first producers of a region are the prolific ones. */
function pickProducer(rng: Rng, region: Region): string {
  return rng.weighted(region.producers.map((p, i) => [p, 1 / (1 + i * 0.35)] as const));
}

/** A producer's house style is fixed by its name: some Islay distilleries are heavily peated, some never. */
function producerPeat(region: Region, producer: string): number {
  if (region.peat === 0) return 0;
  const h = (hashString(producer) % 1000) / 1000;
  return Math.min(0.97, Math.max(0.02, region.peat * (0.25 + 1.5 * h)));
}

function pickCask(rng: Rng, kind: Kind, region: Region, isJapanese: boolean): CaskFamily {
  switch (kind) {
    case "malt":
    case "grain":
    case "blend":
    case "pot-still":
      return rng.weighted<CaskFamily>([
        ["bourbon", 45],
        ["sherry", kind === "grain" ? 5 : 25],
        ["refill", 10],
        ["port", 3],
        ["wine", 4],
        ["virgin-oak", 3],
        ["rum", 2],
        ["mizunara", isJapanese ? 12 : 0],
      ]);
    case "bourbon":
    case "rye":
      return "new-charred-oak";
    case "rum":
      return rng.weighted<CaskFamily>([
        ["bourbon", 70],
        ["sherry", 10],
        ["french-oak", 10],
        ["port", 3],
      ]);
    case "agricole":
    case "cognac":
    case "armagnac":
    case "calvados":
      return "french-oak";
    case "brandy":
      return "sherry";
    case "tequila":
      return region.key === "jalisco" ? "bourbon" : "none";
    default:
      return "none";
  }
}

function releaseDateOf(rng: Rng, now: Date, announced: boolean): string {
  if (announced) return new Date(now.getTime() + rng.int(3, 150) * DAY).toISOString().slice(0, 10);
  // More releases in recent years, as the market has grown.
  const yearsBack = Math.min(18, Math.abs(rng.normal(0, 5)));
  const t = now.getTime() - yearsBack * 365 * DAY - rng.int(1, 300) * DAY;
  return new Date(Math.max(t, Date.UTC(2006, 0, 1))).toISOString().slice(0, 10);
}

function standardAbv(rng: Rng, kind: Kind, caskStrength: boolean, age: number): number {
  if (caskStrength) {
    const base = kind === "bourbon" || kind === "rye" ? 62 - age * 0.2 : 60 - age * 0.35;
    return round1(Math.min(68, Math.max(kind === "cognac" ? 43 : 45.1, rng.normal(base, 2.8))));
  }
  switch (kind) {
    case "malt":
    case "pot-still":
      return rng.weighted([
        [40, 3],
        [43, 4],
        [46, 5],
        [48, 1],
      ]);
    case "grain":
    case "blend":
      return rng.weighted([
        [40, 5],
        [43, 3],
        [46, 1],
      ]);
    case "bourbon":
    case "rye":
      return rng.weighted([
        [40, 2],
        [45, 3],
        [47, 2],
        [50, 2],
        [53.5, 1],
      ]);
    case "rum":
      return rng.weighted([
        [40, 3],
        [43, 2],
        [46, 3],
        [57, 1],
      ]);
    case "agricole":
      return rng.weighted([
        [42, 2],
        [45, 2],
        [50, 2],
        [55, 1],
      ]);
    case "mezcal":
      return round1(rng.normal(48, 2));
    case "tequila":
      return rng.weighted([
        [40, 4],
        [43, 2],
        [46, 1],
      ]);
    case "gin":
      return rng.weighted([
        [37.5, 1],
        [40, 2],
        [41.5, 2],
        [43, 2],
        [47, 2],
      ]);
    case "vodka":
      return 40;
    case "liqueur":
      return rng.weighted([
        [21, 1],
        [28, 2],
        [35, 1],
      ]);
    default:
      return rng.weighted([
        [40, 3],
        [42, 2],
        [45, 1],
      ]);
  }
}

function priceMinor(rng: Rng, pounds: number, bottleMl: number, currency: string): number {
  let price = pounds * (bottleMl / 700) ** 0.9 * Math.exp(rng.normal(0, 0.16)) * (FROM_GBP[currency] ?? 1);
  price = Math.max(price, 9);
  if (price >= 500) return Math.round(price / 10) * 1000 - (rng.chance(0.4) ? 100 : 0);
  const ending = rng.weighted([
    [0, 3],
    [95, 3],
    [99, 2],
    [50, 1],
  ]);
  return Math.floor(price) * 100 + ending;
}

/** One spirit, from the catalog seed and its index only: spirit i is the same in any size of catalog. */
export function generateSpirit(options: GeneratorOptions, index: number): SpiritRow {
  const rng = createRng(mixSeed(options.seed, index));
  const { now } = options;
  const region = rng.weighted(REGIONS.map((r) => [r, r.weight] as const));
  const [kind, type] = rng.weighted(region.styles.map(([k, t, w]) => [[k, t] as const, w] as const));
  const producer = pickProducer(rng, region);
  const isWhisky = WHISKY_KINDS.includes(kind);
  const isJapanese = region.key === "japan";

  // Who bottled it, and how.
  const independent = (kind === "malt" || kind === "grain") && region.country === "GB" && rng.chance(0.2);
  const bottler = independent ? rng.pick(BOTTLERS) : undefined;
  const singleCask =
    (independent && rng.chance(0.6)) ||
    (["malt", "rum", "bourbon", "armagnac", "cognac"].includes(kind) && rng.chance(0.12));
  const caskStrength =
    (singleCask && rng.chance(0.8)) ||
    (["malt", "bourbon", "rye", "rum", "pot-still"].includes(kind) && rng.chance(0.14));
  const smallBatch = !singleCask && (kind === "bourbon" || kind === "malt") && rng.chance(0.1);

  // Age and vintage.
  let ageYears: number | null = null;
  const ageTable = AGES[kind];
  if (kind === "armagnac" || kind === "agricole" || kind === "cognac") {
    ageYears = rng.chance(kind === "armagnac" ? 0.6 : 0.3) ? rng.int(8, kind === "armagnac" ? 50 : 35) : null;
  } else if (ageTable) {
    ageYears = rng.weighted(ageTable);
    if (independent || singleCask) ageYears ??= rng.int(8, 30);
  } else if (kind === "tequila" && rng.chance(0.15)) {
    ageYears = rng.int(3, 5);
  }
  const announced = rng.chance(0.04);
  let releaseDate = releaseDateOf(rng, now, announced);
  const releaseYear = Number(releaseDate.slice(0, 4));
  const withVintage =
    ageYears !== null && (independent || singleCask || kind === "armagnac" || rng.chance(0.08));
  const vintage =
    withVintage && ageYears !== null ? releaseYear - ageYears - (rng.chance(0.3) ? 1 : 0) : null;
  if (vintage !== null && ageYears !== null && vintage + ageYears > now.getUTCFullYear()) {
    releaseDate = `${vintage + ageYears}-06-01`;
  }

  // Peat and casks.
  const peated =
    isWhisky && kind !== "bourbon" && kind !== "rye" && rng.chance(producerPeat(region, producer));
  const heavilyPeated = peated && region.key === "islay" && rng.chance(0.45);
  const cask = pickCask(rng, kind, region, isJapanese);
  const finish =
    isWhisky && kind !== "bourbon" && kind !== "rye" && !singleCask && rng.chance(0.18)
      ? rng.pick(FINISHES.filter((f) => f.family !== cask && (f.family !== "mizunara" || isJapanese)))
      : undefined;
  const caskWords = CASKS[cask].length ? rng.pick(CASKS[cask]) : null;
  const caskType = caskWords
    ? finish
      ? `${caskWords}, finished in ${finish.label.replace(/( Cask| Wood)? Finish$/, "").toLowerCase()} casks`
      : caskWords
    : kind === "mezcal"
      ? "Rested in glass"
      : null;

  // The bottle and its strength.
  const bottleSizeMl = rng.chance(0.04)
    ? rng.pick([200, 500, 1000, 1500])
    : kind === "gin" && rng.chance(0.3)
      ? 500
      : region.bottle;
  const navy = (kind === "gin" || kind === "rum") && !caskStrength && rng.chance(0.08);
  const abv = navy ? 57 : standardAbv(rng, kind, caskStrength, ageYears ?? 8);

  // Naming.
  const brandName = bottler?.name ?? producer;
  const caskNumber = singleCask ? `${rng.int(1, 9999)}` : null;
  const batchNumber = smallBatch || (caskStrength && !singleCask) ? rng.int(1, 24) : null;
  const agePart = ageYears !== null ? `${ageYears} Year Old` : null;
  const designation = kindDesignation(rng, kind, ageYears);
  const parts: string[] = [];
  if (independent && bottler) {
    parts.push(
      producer,
      agePart ?? "",
      vintage ? `${vintage}` : "",
      `(${bottler.name} ${rng.pick(bottler.series)})`,
    );
  } else {
    parts.push(producer);
    if (designation) {
      if (agePart && (kind === "bourbon" || kind === "rye")) parts.push(agePart);
      parts.push(designation);
    } else if (agePart) parts.push(agePart);
    else {
      parts.push(rng.pick(NAS_NAMES[kind] ?? ["Reserve"]));
      // Core bottlings come back year after year; the label says which year's this is.
      if (!singleCask && rng.chance(0.6)) parts.push(`${releaseYear} Release`);
    }
    if (vintage && !designation?.includes(`${vintage}`)) parts.push(`${vintage}`);
    if (finish) parts.push(finish.label);
    if (navy) parts.push("Navy Strength");
    else if (caskStrength && !singleCask) parts.push(kind === "bourbon" ? "Barrel Proof" : "Cask Strength");
  }
  if (singleCask) parts.push(`Single Cask #${caskNumber}`);
  if (batchNumber) parts.push(`Batch ${batchNumber}`);
  const name = parts.filter(Boolean).join(" ").replace(/\s+/g, " ").trim();

  // Scarcity.
  const limited =
    singleCask || (!!batchNumber && rng.chance(0.5)) || rng.chance(0.07) || (ageYears ?? 0) >= 30;
  const totalOutturn = limited
    ? singleCask
      ? rng.int(90, 650)
      : (ageYears ?? 0) >= 30
        ? rng.int(60, 1500)
        : rng.int(600, 12000)
    : null;

  // Price: follows age and scarcity.
  let pounds = BASE_PRICE[kind] * region.priceFactor;
  if (ageYears !== null && kind !== "tequila") {
    // Old whisky and rum grow dear fast (a 30-year-old malt costs about 15 times a 10); brandies less so.
    const a = ageYears - 10;
    const [slope, curve] = BRANDY_KINDS.includes(kind)
      ? [0.07, 0.0003]
      : kind === "rum"
        ? [0.09, 0.0005]
        : [0.12, 0.0008];
    pounds *= Math.exp(slope * a + curve * a * Math.abs(a));
  } else if (designation) {
    pounds *= DESIGNATION_FACTOR[designation] ?? DESIGNATION_FACTOR[designation.split(" ")[0]!] ?? 1;
  }
  if (singleCask) pounds *= 1.35;
  if (caskStrength) pounds *= 1.15;
  if (limited) pounds *= 1.3;
  if (independent) pounds *= 1.05;
  if (peated && region.key === "islay") pounds *= 1.05;
  const price = priceMinor(rng, pounds, bottleSizeMl, options.currency);

  // Flavour, notes and words.
  const facts: FlavourFacts = {
    kind,
    cask,
    finish: finish?.family ?? null,
    peated,
    heavilyPeated,
    maritime: region.key === "islay" || region.key === "islands" || region.key === "campbeltown",
    ageYears,
    caskStrength,
  };
  const flavourProfile = buildProfile(rng, facts);
  const tastingNotes = writeTastingNotes(rng, flavourProfile, fruitFamily(facts), ageYears, smokeOf(kind));

  const status: SpiritStatus = announced
    ? "announced"
    : rng.weighted<SpiritStatus>([
        ["available", limited ? 55 : 82],
        ["sold_out", limited ? 42 : 15],
        ["archived", 3],
      ]);

  const awards = awardsFor(rng, kind, releaseYear, now, ageYears);
  const tags = tagsFor({
    region,
    kind,
    peated,
    heavilyPeated,
    cask,
    finish: finish?.family,
    caskStrength,
    singleCask,
    smallBatch,
    independent,
    limited,
    vintage,
    ageYears,
    designation,
    navy,
    name,
    releaseDate,
    now,
  });
  const chillFiltered = !(caskStrength || independent || abv >= 46) && rng.chance(0.6);
  if (!chillFiltered && isWhisky) tags.push("non-chill-filtered");

  const rated = !announced && rng.chance(0.45);
  const created = announced
    ? now.getTime() - rng.int(1, 60) * DAY
    : Math.min(Date.parse(releaseDate) + rng.int(0, 30) * DAY, now.getTime() - DAY);
  const createdAt = new Date(created - rng.int(0, DAY / 1000) * 1000).toISOString();
  const id = `spr_gen${options.seed}_${String(index).padStart(6, "0")}`;

  return {
    id,
    name,
    brand: brandName,
    distillery: producerDistillery(producer, kind),
    type,
    country: region.country,
    region: region.region,
    vintage,
    ageYears,
    abv,
    caskType,
    bottleSizeMl,
    description: describe({
      region,
      kind,
      producer,
      peated,
      heavilyPeated,
      caskType,
      caskStrength,
      singleCask,
      abv,
      chillFiltered,
      totalOutturn,
      independent,
      bottler: bottler?.name,
      designation,
    }),
    tastingNotes,
    flavourProfile,
    awards,
    priceMinor: price,
    currency: options.currency,
    releaseDate,
    status,
    limitedEdition: limited,
    totalOutturn,
    tags: [...new Set(tags)].slice(0, 30),
    media: [
      { url: `https://cdn.angelshare.example/gen/${id}.jpg`, kind: "image", alt: `A bottle of ${name}` },
    ],
    attributes: {
      "chill-filtered": chillFiltered,
      "natural-colour": !chillFiltered || rng.chance(0.5),
      bottler: independent ? "independent" : "distillery",
      ...(caskNumber ? { "cask-number": caskNumber } : {}),
    },
    maxPerCustomer: limited ? Math.min(totalOutturn ?? 1, rng.int(1, 3)) : null,
    holdMinutes: limited ? 10 : null,
    preorderAllocation: announced && totalOutturn ? Math.floor(totalOutturn / 10) : null,
    ratingAverage: rated
      ? round1(Math.min(5, Math.max(1.5, rng.normal(3.9 + Math.min(0.6, (ageYears ?? 0) / 60), 0.45))))
      : null,
    ratingCount: rated ? Math.max(1, Math.round(Math.exp(rng.normal(2.5, 1.1)))) : 0,
    createdAt,
    updatedAt: createdAt,
  };
}

const DESIGNATION_FACTOR: Record<string, number> = {
  VS: 1,
  VSOP: 1.5,
  XO: 3.4,
  Hors: 5,
  Extra: 9,
  Blanco: 1,
  Reposado: 1.15,
  Añejo: 1.5,
  "Extra Añejo": 2.6,
  Fine: 0.9,
};

/** The names that brandies, rums, agave spirits and gins carry instead of (or beside) an age. */
function kindDesignation(rng: Rng, kind: Kind, ageYears: number | null): string | null {
  switch (kind) {
    case "cognac":
      if (ageYears !== null) return `${ageYears} Year Old ${rng.pick(COGNAC_CRUS)}`;
      return `${rng.weighted([
        ["VS", 2],
        ["VSOP", 4],
        ["XO", 4],
        ["Hors d'Age", 2],
        ["Extra", 1],
      ] as const)} ${rng.pick(COGNAC_CRUS)}`;
    case "armagnac":
      return ageYears !== null
        ? "Bas-Armagnac"
        : rng.pick(["XO Bas-Armagnac", "VSOP Ténarèze", "Hors d'Age"]);
    case "calvados":
      return ageYears !== null
        ? `Pays d'Auge ${ageYears} Ans`
        : rng.pick(["Fine Calvados", "VSOP Pays d'Auge", "XO"]);
    case "agricole":
      return ageYears !== null
        ? "Rhum Vieux Millésime"
        : rng.pick(["Rhum Agricole Blanc", "VSOP", "XO", "Cuvée Parcellaire"]);
    case "brandy":
      return rng.pick(["Solera Gran Reserva", "Solera Reserva", "Imperial Gran Reserva"]);
    case "mezcal":
      return `${rng.pick(MEZCAL_AGAVES)}${rng.chance(0.1) ? " Pechuga" : ""}`;
    case "tequila":
      return ageYears !== null
        ? "Extra Añejo"
        : rng.pick(["Blanco", "Reposado", "Añejo", "Still Strength Blanco"]);
    case "gin":
      return rng.pick([
        "London Dry Gin",
        "Old Tom Gin",
        "Barrel Aged Gin",
        `${rng.pick(GIN_BOTANICALS)} Gin`,
      ]);
    case "vodka":
      return rng.pick(["Rye Vodka", "Single Estate Vodka", "Potato Vodka"]);
    case "liqueur":
      return rng.pick(["Amaro", "Herbal Liqueur", "Bitter Orange Liqueur"]);
    case "bourbon":
      return rng.chance(0.3)
        ? rng.pick(["Single Barrel", "Bottled in Bond", "Small Batch", "Wheated Bourbon", "Straight Bourbon"])
        : null;
    case "rye":
      return rng.chance(0.4) ? rng.pick(["Straight Rye", "Bottled in Bond Rye", "Maryland Style Rye"]) : null;
    default:
      return null;
  }
}

function producerDistillery(producer: string, kind: Kind): string {
  if (/^(Maison|Domaine|Château|Bodegas|Habitation)\b/.test(producer)) return producer;
  if (kind === "liqueur") return `Distilleria ${producer}`;
  if (kind === "rum" && /Estate$/.test(producer)) return producer;
  if (kind === "mezcal" || kind === "tequila") return `Destilería ${producer}`;
  return `${producer} Distillery`;
}

function awardsFor(rng: Rng, kind: Kind, releaseYear: number, now: Date, ageYears: number | null): Award[] {
  if (!rng.chance(0.18 + Math.min(0.2, (ageYears ?? 0) / 100))) return [];
  const competitions = COMPETITIONS.filter((c) => c.kinds === "all" || c.kinds.includes(kind));
  const n = rng.weighted([
    [1, 70],
    [2, 22],
    [3, 8],
  ]);
  const lastYear = now.getUTCFullYear();
  return rng.sample(competitions, n).map((c) => ({
    name: c.name,
    year: Math.min(lastYear, releaseYear + rng.int(0, 2)),
    medal: rng.weighted(MEDAL_WEIGHTS),
  }));
}

type TagFacts = {
  region: Region;
  kind: Kind;
  peated: boolean;
  heavilyPeated: boolean;
  cask: CaskFamily;
  finish: CaskFamily | undefined;
  caskStrength: boolean;
  singleCask: boolean;
  smallBatch: boolean;
  independent: boolean;
  limited: boolean;
  vintage: number | null;
  ageYears: number | null;
  designation: string | null;
  navy: boolean;
  name: string;
  releaseDate: string;
  now: Date;
};

const STYLE_TAG: Partial<Record<Kind, string>> = {
  malt: "single-malt",
  grain: "single-grain",
  blend: "blend",
  "pot-still": "single-pot-still",
  bourbon: "straight-bourbon",
  rye: "straight-rye",
  rum: "pot-still-rum",
  agricole: "rhum-agricole",
  mezcal: "artisanal-mezcal",
  tequila: "blue-agave",
};

function tagsFor(f: TagFacts): string[] {
  const tags = [f.region.key];
  const style = STYLE_TAG[f.kind];
  if (style) tags.push(style);
  if (f.peated) tags.push("peated");
  if (f.heavilyPeated) tags.push("heavily-peated");
  if (!f.peated && f.region.key === "islay") tags.push("unpeated");
  for (const family of [f.cask, f.finish]) {
    if (family && family !== "none" && family !== "refill" && family !== "new-charred-oak") {
      tags.push(
        `${family === "virgin-oak" || family === "french-oak" || family === "mizunara" ? family : `${family}-cask`}`,
      );
    }
  }
  if (f.finish) tags.push("cask-finish");
  if (f.caskStrength) tags.push("cask-strength");
  if (f.singleCask) tags.push("single-cask");
  if (f.smallBatch) tags.push("small-batch");
  if (f.independent) tags.push("independent-bottler");
  if (f.limited) tags.push("limited-edition");
  if (f.vintage !== null) tags.push("vintage");
  if ((f.ageYears ?? 0) >= 30 || (f.vintage !== null && f.vintage < 1990)) tags.push("old-and-rare");
  if (f.navy) tags.push("navy-strength");
  if (f.name.includes("Bottled in Bond")) tags.push("bottled-in-bond");
  if (f.designation) {
    const first = f.designation.split(" ")[0]!;
    if (["VS", "VSOP", "XO"].includes(first)) tags.push(first.toLowerCase());
    if (f.kind === "gin" && f.designation.startsWith("London Dry")) tags.push("london-dry");
    if (f.kind === "mezcal") tags.push(slug(first));
    if (f.kind === "tequila") tags.push(slug(f.designation.replace(/^Still Strength /, "")));
  }
  const released = Date.parse(f.releaseDate);
  if (released <= f.now.getTime() && f.now.getTime() - released < 120 * DAY) tags.push("new-release");
  return tags;
}

const KIND_WORDS: Record<Kind, string> = {
  malt: "single malt",
  grain: "single grain whisky",
  blend: "blended whisky",
  "pot-still": "single pot still whiskey",
  bourbon: "straight bourbon whiskey",
  rye: "straight rye whiskey",
  rum: "rum",
  agricole: "rhum agricole",
  cognac: "cognac",
  armagnac: "armagnac",
  calvados: "calvados",
  brandy: "Brandy de Jerez",
  mezcal: "mezcal, its agave roasted in earthen pits and crushed by tahona",
  tequila: "tequila from 100% blue Weber agave",
  gin: "gin, distilled with juniper and a dozen botanicals",
  vodka: "vodka",
  liqueur: "liqueur",
};

function describe(d: {
  region: Region;
  kind: Kind;
  producer: string;
  peated: boolean;
  heavilyPeated: boolean;
  caskType: string | null;
  caskStrength: boolean;
  singleCask: boolean;
  abv: number;
  chillFiltered: boolean;
  totalOutturn: number | null;
  independent: boolean;
  bottler: string | undefined;
  designation: string | null;
}): string {
  const peat = d.heavilyPeated
    ? "heavily peated "
    : d.peated
      ? "peated "
      : d.region.key === "islay"
        ? "unpeated "
        : "";
  const kindWords = KIND_WORDS[d.kind];
  // "An Islay single malt", but "a rum from Jamaica": countries read better after the noun.
  const what = d.region.region
    ? `${peat}${d.region.region} ${kindWords}`
    : `${peat}${kindWords.replace(/,.*$/, "")} from ${d.region.countryName}${kindWords.includes(",") ? kindWords.replace(/^[^,]*/, "") : ""}`;
  const article = /^[aeiou]/i.test(what) ? "An" : "A";
  const from = d.independent
    ? `, distilled at ${d.producer} and bottled by ${d.bottler}`
    : d.region.region
      ? ` from ${d.producer}`
      : `, made by ${d.producer}`;
  const cask =
    d.caskType && d.caskType !== "Rested in glass"
      ? `, matured in ${d.caskType.charAt(0).toLowerCase()}${d.caskType.slice(1)}`
      : "";
  const strength = d.caskStrength ? `Bottled at cask strength (${d.abv}%)` : `Bottled at ${d.abv}%`;
  const filtration = d.chillFiltered ? "" : " without chill filtration";
  const outturn = d.totalOutturn
    ? `; ${d.totalOutturn} bottles${d.singleCask ? " from a single cask" : ""}`
    : "";
  return `${article} ${what}${from}${cask}. ${strength}${filtration}${outturn}.`;
}
