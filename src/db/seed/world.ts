import type { SpiritType } from "../schema/catalog.ts";

/**
 * The world the generator draws from: real countries and regions, invented producers whose names sound
 * like the real ones around them (none is a real distillery), and the independent bottlers and
 * competitions of the trade. Data only; the rules that use it live in spirit-generator.ts.
 */

/** How a spirit is made, which decides its names, ages, casks, strengths, flavours and prices. */
export type Kind =
  | "malt"
  | "grain"
  | "blend"
  | "pot-still"
  | "bourbon"
  | "rye"
  | "rum"
  | "agricole"
  | "cognac"
  | "armagnac"
  | "calvados"
  | "brandy"
  | "mezcal"
  | "tequila"
  | "gin"
  | "vodka"
  | "liqueur";

export type Region = {
  /** Slug, also used as a tag. */
  key: string;
  country: string;
  countryName: string;
  region: string | null;
  /** Share of the catalog. */
  weight: number;
  /** What it makes: [kind, catalog type, weight]. */
  styles: readonly (readonly [Kind, SpiritType, number])[];
  /** Chance that a whisky from here is peated. */
  peat: number;
  /** Price multiplier against the kind's base (Japan and Campbeltown cost more). */
  priceFactor: number;
  /** The bottle size most of its spirits come in. */
  bottle: number;
  /** Distilleries (invented). Names without "Distillery"; that is added where it reads naturally. */
  producers: readonly string[];
};

export const REGIONS: readonly Region[] = [
  {
    key: "islay",
    country: "GB",
    countryName: "Scotland",
    region: "Islay",
    weight: 12,
    styles: [["malt", "scotch", 10]],
    peat: 0.78,
    priceFactor: 1.12,
    bottle: 700,
    producers: [
      "Lagavullan",
      "Laphrohaig",
      "Ardbrochan",
      "Caol Ruadh",
      "Bruichlaggan",
      "Bowmoran",
      "Kilchattan",
      "Bunnahoven",
      "Port Ellister",
      "Lochindaal",
    ],
  },
  {
    key: "speyside",
    country: "GB",
    countryName: "Scotland",
    region: "Speyside",
    weight: 18,
    styles: [
      ["malt", "scotch", 10],
      ["blend", "scotch", 1],
    ],
    peat: 0.06,
    priceFactor: 1,
    bottle: 700,
    producers: [
      "Glenfarrach",
      "Glen Dorran",
      "Glenfiddock",
      "Craigellachan",
      "Auchindarroch",
      "Strathavon",
      "Knockbrae",
      "Balnacraig",
      "Inverlossie",
      "Tomnacairn",
      "Benrinnach",
      "Aberlunie",
      "Glen Rothay",
      "Glenlivock",
    ],
  },
  {
    key: "highlands",
    country: "GB",
    countryName: "Scotland",
    region: "Highlands",
    weight: 12,
    styles: [
      ["malt", "scotch", 10],
      ["grain", "scotch", 1],
    ],
    peat: 0.15,
    priceFactor: 1,
    bottle: 700,
    producers: [
      "Dalwhinnoch",
      "Glen Morach",
      "Clynekirk",
      "Torran Bay",
      "Ardmhor",
      "Edrachoille",
      "Glengarroch",
      "Ben Nevach",
      "Tulliebrae",
      "Dalbrae",
      "Balnakeil",
      "Royal Lochmorar",
      "Blair Torran",
    ],
  },
  {
    key: "islands",
    country: "GB",
    countryName: "Scotland",
    region: "Islands",
    weight: 5,
    styles: [["malt", "scotch", 1]],
    peat: 0.45,
    priceFactor: 1.05,
    bottle: 700,
    producers: ["Taliscairn", "Kirkwall Park", "Jurach", "Lochranza Bay", "Tobarmhor", "Scarabost"],
  },
  {
    key: "campbeltown",
    country: "GB",
    countryName: "Scotland",
    region: "Campbeltown",
    weight: 3,
    styles: [["malt", "scotch", 1]],
    peat: 0.35,
    priceFactor: 1.25,
    bottle: 700,
    producers: ["Springlea", "Glen Scotach", "Kilkenzie", "Dalintober", "Hazelbrae"],
  },
  {
    key: "lowlands",
    country: "GB",
    countryName: "Scotland",
    region: "Lowlands",
    weight: 4,
    styles: [
      ["malt", "scotch", 4],
      ["grain", "scotch", 1],
    ],
    peat: 0.04,
    priceFactor: 0.95,
    bottle: 700,
    producers: ["Auchentorran", "Glenkinloch", "Bladnach", "Rosebrae", "Annanmuir", "Daftburn"],
  },
  {
    key: "ireland",
    country: "IE",
    countryName: "Ireland",
    region: null,
    weight: 6,
    styles: [
      ["pot-still", "irish", 4],
      ["malt", "irish", 3],
      ["blend", "irish", 2],
    ],
    peat: 0.05,
    priceFactor: 1,
    bottle: 700,
    producers: [
      "Kilbrack",
      "Middlecourt",
      "Bushford",
      "Tullaghmore",
      "Dunkerrin",
      "Tealing Street",
      "Coolnagh",
      "Slanebridge",
    ],
  },
  {
    key: "japan",
    country: "JP",
    countryName: "Japan",
    region: null,
    weight: 6,
    styles: [
      ["malt", "japanese", 5],
      ["blend", "japanese", 2],
      ["grain", "japanese", 1],
    ],
    peat: 0.12,
    priceFactor: 1.8,
    bottle: 700,
    producers: ["Yamakura", "Hakuzan", "Otaru Bay", "Miyakawa", "Chichiyama", "Shinshu Kogen", "Chitose"],
  },
  {
    key: "kentucky",
    country: "US",
    countryName: "United States",
    region: "Kentucky",
    weight: 9,
    styles: [
      ["bourbon", "bourbon", 5],
      ["rye", "rye", 1],
    ],
    peat: 0,
    priceFactor: 1,
    bottle: 750,
    producers: [
      "Buffalo Creek",
      "Old Foraker",
      "Heaven's Hollow",
      "Four Rivers",
      "Wild Elk",
      "Barton Springs",
      "Elijah Crane",
      "Van Alstyne",
      "Eagle Bend",
      "Bardstown Road",
    ],
  },
  {
    key: "tennessee",
    country: "US",
    countryName: "United States",
    region: "Tennessee",
    weight: 2,
    styles: [["bourbon", "bourbon", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 750,
    producers: ["Lynchburg Hollow", "Cascade Valley", "Nelson's Ridge"],
  },
  {
    key: "american-craft",
    country: "US",
    countryName: "United States",
    region: null,
    weight: 2,
    styles: [
      ["rye", "rye", 2],
      ["bourbon", "bourbon", 1],
      ["malt", "whisky", 1],
    ],
    peat: 0.05,
    priceFactor: 1.05,
    bottle: 750,
    producers: ["Catawba Creek", "Hill Country", "Hudson Flats", "Cascade Peak"],
  },
  {
    key: "jamaica",
    country: "JM",
    countryName: "Jamaica",
    region: null,
    weight: 3,
    styles: [["rum", "rum", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Appleby Estate", "Hampstead Estate", "Worthing Park", "Long Reach", "Monymore"],
  },
  {
    key: "barbados",
    country: "BB",
    countryName: "Barbados",
    region: null,
    weight: 2,
    styles: [["rum", "rum", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Fourways", "Mount Gideon", "St Lucien Abbey"],
  },
  {
    key: "guyana",
    country: "GY",
    countryName: "Guyana",
    region: "Demerara",
    weight: 1.5,
    styles: [["rum", "rum", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Demerara Crown", "Blairmont Wharf", "Enmore Wharf"],
  },
  {
    key: "martinique",
    country: "MQ",
    countryName: "Martinique",
    region: null,
    weight: 1.5,
    styles: [["agricole", "rum", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Habitation Clémence", "Neyssac", "La Préférée"],
  },
  {
    key: "trinidad",
    country: "TT",
    countryName: "Trinidad and Tobago",
    region: null,
    weight: 1,
    styles: [["rum", "rum", 1]],
    peat: 0,
    priceFactor: 1.1,
    bottle: 700,
    producers: ["Caronia", "Angostino"],
  },
  {
    key: "cognac",
    country: "FR",
    countryName: "France",
    region: "Cognac",
    weight: 5,
    styles: [["cognac", "cognac", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: [
      "Maison Delaunay",
      "Fraviel",
      "Raguenot",
      "Jean Fillon",
      "Vallon Tercier",
      "Maison Pellisson",
    ],
  },
  {
    key: "armagnac",
    country: "FR",
    countryName: "France",
    region: "Armagnac",
    weight: 3,
    styles: [["armagnac", "armagnac", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Domaine de Lassaubat", "Château de Lauzin", "Darrouzet", "Delaurens", "Domaine d'Esperon"],
  },
  {
    key: "normandy",
    country: "FR",
    countryName: "France",
    region: "Normandy",
    weight: 1.5,
    styles: [["calvados", "calvados", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Domaine Duponchel", "Christian Druet", "Roger Gruel"],
  },
  {
    key: "jerez",
    country: "ES",
    countryName: "Spain",
    region: "Jerez",
    weight: 1,
    styles: [["brandy", "brandy", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Bodegas Lucena", "Bodegas Valdespino Alto"],
  },
  {
    key: "oaxaca",
    country: "MX",
    countryName: "Mexico",
    region: "Oaxaca",
    weight: 3,
    styles: [["mezcal", "mezcal", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Del Magueyal", "Real Minera", "Rey Campesino", "San Baltazar", "Santa Catarina Minas"],
  },
  {
    key: "jalisco",
    country: "MX",
    countryName: "Mexico",
    region: "Jalisco",
    weight: 3,
    styles: [["tequila", "tequila", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["La Fortuna", "Tapatía", "Siete Caminos", "Los Arcos", "Cascahual"],
  },
  {
    key: "london",
    country: "GB",
    countryName: "England",
    region: "London",
    weight: 3,
    styles: [["gin", "gin", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Bermondsey Still", "Hackney Wick", "Thames Lock", "Southwark Gin Works", "Limehouse Basin"],
  },
  {
    key: "england",
    country: "GB",
    countryName: "England",
    region: "England",
    weight: 1.5,
    styles: [
      ["malt", "whisky", 2],
      ["gin", "gin", 1],
    ],
    peat: 0.1,
    priceFactor: 1.05,
    bottle: 700,
    producers: ["Cotsworth", "Lakeland Fells", "East Anglian Maltings"],
  },
  {
    key: "taiwan",
    country: "TW",
    countryName: "Taiwan",
    region: null,
    weight: 1,
    styles: [["malt", "whisky", 1]],
    peat: 0.02,
    priceFactor: 1.3,
    bottle: 700,
    producers: ["Kavalong", "Nantou Hills"],
  },
  {
    key: "india",
    country: "IN",
    countryName: "India",
    region: null,
    weight: 1,
    styles: [["malt", "whisky", 1]],
    peat: 0.25,
    priceFactor: 1.1,
    bottle: 700,
    producers: ["Amrita", "Paul Jonah", "Goa Coast"],
  },
  {
    key: "tasmania",
    country: "AU",
    countryName: "Australia",
    region: "Tasmania",
    weight: 1,
    styles: [["malt", "whisky", 1]],
    peat: 0.15,
    priceFactor: 1.5,
    bottle: 700,
    producers: ["Sullivan Point", "Derwent Bridge", "Lark Hill"],
  },
  {
    key: "poland",
    country: "PL",
    countryName: "Poland",
    region: null,
    weight: 0.7,
    styles: [["vodka", "vodka", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Podlasie Rye", "Wyborna"],
  },
  {
    key: "italy",
    country: "IT",
    countryName: "Italy",
    region: null,
    weight: 0.5,
    styles: [["liqueur", "liqueur", 1]],
    peat: 0,
    priceFactor: 1,
    bottle: 700,
    producers: ["Valcalepio", "Sabbioni"],
  },
];

/** Independent bottlers: they buy casks from distilleries and bottle them under their own name. */
export const BOTTLERS: readonly { name: string; series: readonly string[] }[] = [
  { name: "Gordon & Maclure", series: ["Connoisseurs Choice", "Private Collection", "Rare Old"] },
  { name: "Signet Vintage", series: ["Cask Strength Collection", "Un-Chillfiltered Collection"] },
  { name: "Cadenhall", series: ["Authentic Collection", "Small Batch"] },
  { name: "Douglas Lang", series: ["Old Particular", "Provenance", "XOP"] },
  { name: "Hunter Lyle", series: ["Old & Rare", "Distillers Art"] },
  { name: "Barrow & Rudd", series: ["Own Selection", "Classic Range"] },
  { name: "That Curious Whisky Company", series: ["Batch Release"] },
  { name: "Alchemist Selections", series: ["Coastal Distilleries", "Single Cask Series"] },
];

/** Competitions that give medals, by the kinds they judge. */
export const COMPETITIONS: readonly { name: string; kinds: readonly Kind[] | "all" }[] = [
  { name: "International Spirits Challenge", kinds: "all" },
  { name: "San Francisco World Spirits Competition", kinds: "all" },
  { name: "International Wine & Spirit Competition", kinds: "all" },
  { name: "World Whiskies Awards", kinds: ["malt", "grain", "blend", "pot-still", "bourbon", "rye"] },
  { name: "Scotch Whisky Masters", kinds: ["malt", "grain", "blend"] },
  { name: "World Rum Awards", kinds: ["rum", "agricole"] },
  { name: "Cognac Masters", kinds: ["cognac", "armagnac", "calvados", "brandy"] },
  { name: "Agave Masters", kinds: ["mezcal", "tequila"] },
  { name: "Gin Masters", kinds: ["gin"] },
  { name: "Concours Mondial de Bruxelles", kinds: "all" },
];

/** Cask types by family; the family decides flavour and tags, the words go on the label. */
export type CaskFamily =
  | "bourbon"
  | "sherry"
  | "port"
  | "wine"
  | "rum"
  | "virgin-oak"
  | "new-charred-oak"
  | "mizunara"
  | "french-oak"
  | "refill"
  | "none";

export const CASKS: Record<CaskFamily, readonly string[]> = {
  bourbon: [
    "First-fill bourbon barrels",
    "Ex-bourbon barrels",
    "Bourbon hogsheads",
    "First-fill bourbon barrel",
  ],
  sherry: [
    "Oloroso sherry butts",
    "Pedro Ximénez sherry casks",
    "First-fill oloroso butt",
    "Amontillado sherry hogsheads",
    "Fino sherry casks",
  ],
  port: ["Tawny port pipes", "Ruby port casks"],
  wine: ["Sauternes barriques", "Red Bordeaux casks", "Madeira drums", "Marsala casks", "Tokaji casks"],
  rum: ["Caribbean rum casks"],
  "virgin-oak": ["Virgin American oak", "STR (shaved, toasted, re-charred) red wine barriques"],
  "new-charred-oak": ["New charred American oak barrels"],
  mizunara: ["Japanese mizunara oak"],
  "french-oak": ["French Limousin oak", "French Tronçais oak casks"],
  refill: ["Refill hogsheads", "Refill American oak"],
  none: [],
};

/** Finishes: a short second maturation, named on the label. */
export const FINISHES: readonly { family: CaskFamily; label: string }[] = [
  { family: "sherry", label: "Oloroso Cask Finish" },
  { family: "sherry", label: "PX Sherry Finish" },
  { family: "port", label: "Port Wood Finish" },
  { family: "wine", label: "Sauternes Cask Finish" },
  { family: "wine", label: "Madeira Finish" },
  { family: "wine", label: "Red Wine Cask Finish" },
  { family: "rum", label: "Rum Cask Finish" },
  { family: "mizunara", label: "Mizunara Finish" },
];

/** Names of releases without an age statement, by kind. */
export const NAS_NAMES: Partial<Record<Kind, readonly string[]>> = {
  malt: [
    "Origin",
    "Quarter Cask",
    "Sea Loch",
    "Storm Front",
    "Founder's Reserve",
    "Heritage",
    "Machair",
    "Harbour Light",
    "Distillery Reserve",
    "Cairn",
    "Lore",
    "Smoke Trail",
  ],
  blend: ["Reserve", "Sapphire Blend", "Gold Blend", "Master Blend", "Heritage Blend"],
  grain: ["Single Grain", "Grain Reserve"],
  "pot-still": ["Single Pot Still", "Pot Still Reserve", "Cask Edition"],
  bourbon: ["Reserve", "Special Reserve", "Kentucky Proof", "Rickhouse Select", "Four Grain", "High Rye"],
  rye: ["Rye Reserve", "Rickhouse Rye", "Empire Rye"],
  rum: ["Overproof", "Estate Reserve", "High Ester", "Plantation Reserve", "Dark Navy", "Cane Select"],
};

export const MEZCAL_AGAVES = [
  "Espadín",
  "Tobalá",
  "Tepeztate",
  "Arroqueño",
  "Madrecuixe",
  "Ensamble",
  "Cuishe",
];
export const GIN_BOTANICALS = [
  "Juniper & Citrus",
  "Rhubarb & Ginger",
  "Sloe",
  "Sea Buckthorn",
  "Pink Grapefruit",
  "Lavender",
  "Earl Grey",
];
export const COGNAC_CRUS = ["Grande Champagne", "Petite Champagne", "Borderies", "Fins Bois"];
