import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** The named dimensions of a flavour profile, each scored 0 (none) to 4 (dominant); customers' preferences use them too. */
export const FLAVOUR_DIMENSIONS = [
  "body",
  "sweetness",
  "smoky",
  "medicinal",
  "spicy",
  "fruity",
  "floral",
  "woody",
  "malty",
  "winey",
  "nutty",
  "vanilla",
  "herbal",
  "citrus",
] as const;
export type FlavourDimension = (typeof FLAVOUR_DIMENSIONS)[number];
export const FLAVOUR_SCORE_MAX = 4;

/** Kinds of spirit the catalog knows; the more specific whisky styles sit beside the generic `whisky`. */
export const SPIRIT_TYPES = [
  "whisky",
  "scotch",
  "bourbon",
  "rye",
  "irish",
  "japanese",
  "rum",
  "gin",
  "cognac",
  "armagnac",
  "brandy",
  "calvados",
  "mezcal",
  "tequila",
  "vodka",
  "liqueur",
  "other",
] as const;
export type SpiritType = (typeof SPIRIT_TYPES)[number];

export const SPIRIT_STATUSES = ["announced", "available", "sold_out", "archived"] as const;
export type SpiritStatus = (typeof SPIRIT_STATUSES)[number];

export type FlavourProfile = Partial<Record<FlavourDimension, number>>;
export const MEDALS = [
  "gold",
  "silver",
  "bronze",
  "double_gold",
  "platinum",
  "best_in_class",
  "trophy",
  "commended",
] as const;
export const MEDIA_KINDS = ["image", "label", "video", "document"] as const;

export type Award = { name: string; year: number; medal: (typeof MEDALS)[number] };
export type Media = { url: string; kind: (typeof MEDIA_KINDS)[number]; alt: string };
export type TastingNotes = { nose: string; palate: string; finish: string };
export type Attributes = Record<string, string | number | boolean>;

export const spirits = sqliteTable(
  "spirits",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    brand: text("brand").notNull(),
    distillery: text("distillery").notNull(),
    type: text("type").notNull(),
    country: text("country").notNull(),
    region: text("region"),
    vintage: integer("vintage"),
    ageYears: integer("age_years"),
    abv: real("abv").notNull(),
    caskType: text("cask_type"),
    bottleSizeMl: integer("bottle_size_ml").notNull(),
    description: text("description").notNull().default(""),
    tastingNotes: text("tasting_notes", { mode: "json" }).$type<TastingNotes>().notNull(),
    flavourProfile: text("flavour_profile", { mode: "json" }).$type<FlavourProfile>().notNull(),
    awards: text("awards", { mode: "json" }).$type<Award[]>().notNull(),
    priceMinor: integer("price_minor").notNull(),
    currency: text("currency").notNull(),
    releaseDate: text("release_date"),
    status: text("status", { enum: SPIRIT_STATUSES }).notNull(),
    limitedEdition: integer("limited_edition", { mode: "boolean" }).notNull().default(false),
    totalOutturn: integer("total_outturn"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    media: text("media", { mode: "json" }).$type<Media[]>().notNull(),
    attributes: text("attributes", { mode: "json" }).$type<Attributes>().notNull(),
    /** Inventory rules that belong to the spirit (used by the inventory module). */
    maxPerCustomer: integer("max_per_customer"),
    holdMinutes: integer("hold_minutes"),
    preorderAllocation: integer("preorder_allocation"),
    /** Kept by the reviews module: only approved reviews count. */
    ratingAverage: real("rating_average"),
    ratingCount: integer("rating_count").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("spirits_type_idx").on(t.type),
    index("spirits_country_idx").on(t.country),
    index("spirits_status_idx").on(t.status),
    index("spirits_price_idx").on(t.currency, t.priceMinor),
    // The default list order (newest first, id as tie-break) walks this index for cursor pages.
    index("spirits_created_idx").on(t.createdAt, t.id),
    check("spirits_price_nonneg", sql`${t.priceMinor} >= 0`),
    check("spirits_abv_range", sql`${t.abv} > 0 AND ${t.abv} <= 100`),
  ],
);

export const batches = sqliteTable(
  "batches",
  {
    id: text("id").primaryKey(),
    spiritId: text("spirit_id")
      .notNull()
      .references(() => spirits.id),
    batchNumber: text("batch_number").notNull(),
    caskNumbers: text("cask_numbers", { mode: "json" }).$type<string[]>().notNull(),
    bottlingDate: text("bottling_date"),
    bottleCount: integer("bottle_count"),
    notes: text("notes").notNull().default(""),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("batches_spirit_number_uq").on(t.spiritId, t.batchNumber)],
);

export const VARIANT_PACKAGINGS = ["bottle", "sample", "gift_box"] as const;
export type VariantPackaging = (typeof VARIANT_PACKAGINGS)[number];
export const VARIANT_STATUSES = ["active", "retired"] as const;
export type VariantStatus = (typeof VARIANT_STATUSES)[number];

/**
 * A sellable unit of a spirit other than its standard one (a 5 cl sample, a gift box), with its own price
 * and its own stock. The spirit's own size and price stay its standard unit: no variant means that unit.
 * A retired variant is kept (orders and stock refer to it) but neither sold nor received any more.
 */
export const spiritVariants = sqliteTable(
  "spirit_variants",
  {
    id: text("id").primaryKey(),
    spiritId: text("spirit_id")
      .notNull()
      .references(() => spirits.id),
    name: text("name").notNull(),
    sizeMl: integer("size_ml").notNull(),
    packaging: text("packaging", { enum: VARIANT_PACKAGINGS }).notNull(),
    priceMinor: integer("price_minor").notNull(),
    currency: text("currency").notNull(),
    sku: text("sku"),
    status: text("status", { enum: VARIANT_STATUSES }).notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("spirit_variants_spirit_idx").on(t.spiritId, t.createdAt, t.id),
    uniqueIndex("spirit_variants_sku_uq").on(t.sku),
    check("spirit_variants_price_nonneg", sql`${t.priceMinor} >= 0`),
    check("spirit_variants_size_pos", sql`${t.sizeMl} > 0`),
  ],
);

export type SpiritRow = typeof spirits.$inferSelect;
export type SpiritVariantRow = typeof spiritVariants.$inferSelect;
export type BatchRow = typeof batches.$inferSelect;
