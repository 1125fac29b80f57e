import { z } from "@hono/zod-openapi";
import {
  FLAVOUR_DIMENSIONS,
  FLAVOUR_SCORE_MAX,
  MEDALS,
  MEDIA_KINDS,
  SPIRIT_STATUSES,
  SPIRIT_TYPES,
} from "../../db/schema/catalog.ts";
import { isCountryCode, isCurrencyCode } from "../../http/iso-codes.ts";
import { pageQueryShape } from "../../http/pagination.ts";
import { StockStatusSchema } from "../../stock/availability.ts";

export { FLAVOUR_DIMENSIONS, MEDALS, MEDIA_KINDS, SPIRIT_STATUSES, SPIRIT_TYPES };

export const MAX_TAGS = 30;
export const MAX_ATTRIBUTES = 50;
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
const SLUG_MESSAGE = "must be a lower-case slug: a-z and 0-9, words joined by single - or _";

type Issue = { code: string; input?: unknown; keys?: string[] };
const quoted = (keys: string[] | undefined) => (keys ?? []).map((k) => `"${k}"`).join(", ");

/** "is required" for a missing field, else what the field must be (zod's own words name types, not rules). */
const must = (what: string) => ({
  error: (iss: Issue) => (iss.input === undefined ? "is required" : `must be ${what}`),
});

/** The same for objects, which also name the fields they do not know. */
const objectMust = (
  what: string,
  unknownKeys = (keys: string[] | undefined) => `unknown field ${quoted(keys)}`,
) => ({
  error: (iss: Issue) =>
    iss.code === "unrecognized_keys"
      ? unknownKeys(iss.keys)
      : iss.input === undefined
        ? "is required"
        : iss.code === "invalid_type"
          ? `must be ${what}`
          : undefined,
});

const oneOf = (values: readonly string[]) => must(`one of ${values.join(", ")}`);

/** Checked per call, not at load, so a long-running server moves into the new year on time. */
const notInTheFuture = (year: number) => year <= new Date().getUTCFullYear();

const text = (max: number) => z.string(must("text")).trim().max(max, `must be at most ${max} characters`);
const requiredText = (max: number) => text(max).min(1, "must not be empty");

export const SlugSchema = z
  .string(must("a slug"))
  .max(40, "must be at most 40 characters")
  .regex(SLUG, SLUG_MESSAGE);

export const CountryCodeSchema = z
  .string(must("an ISO 3166-1 alpha-2 country code"))
  .regex(/^[A-Z]{2}$/, {
    message: "must be an ISO 3166-1 alpha-2 code in upper case, such as GB",
    abort: true,
  })
  .refine(isCountryCode, "is not an ISO 3166-1 alpha-2 country code")
  .openapi({ description: "ISO 3166-1 alpha-2 country code.", example: "GB" });

export const CurrencyCodeSchema = z
  .string(must("an ISO 4217 currency code"))
  .regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code in upper case, such as GBP", abort: true })
  .refine(isCurrencyCode, "is not an ISO 4217 currency in circulation")
  .openapi({ description: "ISO 4217 currency code.", example: "GBP" });

export const YearSchema = z
  .number(must("a year"))
  .int("must be a whole year")
  .min(1800, "must be 1800 or later")
  .refine(notInTheFuture, "must not be in the future");

export const DateSchema = z.iso
  .date(must("a calendar date written YYYY-MM-DD"))
  .openapi({ example: "2025-11-14" });

export const PriceSchema = z
  .strictObject(
    {
      amountMinor: z
        .number(must("a whole number of minor units"))
        .int("must be a whole number of minor units (pence, cents)")
        .min(0, "must not be negative")
        .max(MAX_AMOUNT_MINOR, "is too large")
        .openapi({ description: "Integer amount in the currency's minor unit.", example: 18500 }),
      currency: CurrencyCodeSchema,
    },
    objectMust("an object with amountMinor and currency"),
  )
  .openapi("Price", { description: "Money as integer minor units plus an ISO 4217 currency." });

export const TastingNotesSchema = z
  .strictObject(
    { nose: text(2000), palate: text(2000), finish: text(2000) },
    objectMust("an object with nose, palate and finish"),
  )
  .openapi("TastingNotes", {
    example: {
      nose: "Peat smoke, iodine, a little lemon peel.",
      palate: "Oily; tarry rope, smoked pear, sea salt.",
      finish: "Long, drying, embers.",
    },
  });

const dimensionList = FLAVOUR_DIMENSIONS.join(", ");
const score = z
  .number(must("a score from 0 to 4"))
  .int("must be a whole score")
  .min(0, "must be 0 to 4")
  .max(FLAVOUR_SCORE_MAX, "must be 0 to 4");

const unknownDimension = objectMust(
  "an object of scores",
  (keys) => `unknown flavour dimension ${quoted(keys)}; known: ${dimensionList}`,
).error;

export const FlavourProfileSchema = z
  .strictObject(Object.fromEntries(FLAVOUR_DIMENSIONS.map((d) => [d, score.optional()])), {
    error: unknownDimension,
  })
  .openapi("FlavourProfile", {
    description: `Named dimensions scored 0 (none) to 4 (dominant); leave out a dimension that is not scored. Dimensions: ${dimensionList}.`,
    example: { body: 3, smoky: 4, medicinal: 3, sweetness: 1, fruity: 1 },
  }) as z.ZodType<Partial<Record<(typeof FLAVOUR_DIMENSIONS)[number], number>>>;

export const AwardSchema = z
  .strictObject(
    {
      name: requiredText(120),
      year: YearSchema,
      medal: z.enum(MEDALS, oneOf(MEDALS)),
    },
    objectMust("an object with name, year and medal"),
  )
  .openapi("Award", { example: { name: "International Spirits Challenge", year: 2024, medal: "gold" } });

export const MediaSchema = z
  .strictObject(
    {
      url: z
        .url({ protocol: /^https$/, ...must("an https URL") })
        .max(2000, "must be at most 2000 characters"),
      kind: z.enum(MEDIA_KINDS, oneOf(MEDIA_KINDS)),
      alt: text(300).openapi({ description: "Alternative text for people who cannot see the image." }),
    },
    objectMust("an object with url, kind and alt"),
  )
  .openapi("Media", {
    example: {
      url: "https://cdn.example.com/spirits/ardnahoe-12.jpg",
      kind: "image",
      alt: "A squat green bottle with a black label",
    },
  });

const attributeValue = z.union(
  [z.string().trim().max(500, "must be at most 500 characters"), z.number().finite(), z.boolean()],
  {
    error: "must be a string, number or boolean (nested objects, arrays and null are not allowed)",
  },
);

export const AttributesSchema = z
  .record(SlugSchema, attributeValue, {
    error: (iss) =>
      iss.code === "invalid_key"
        ? `attribute names ${SLUG_MESSAGE}`
        : iss.code === "invalid_type"
          ? "must be an object of attribute values"
          : undefined,
  })
  .refine((a) => Object.keys(a).length <= MAX_ATTRIBUTES, `must have at most ${MAX_ATTRIBUTES} attributes`)
  .openapi("SpiritAttributes", {
    description: `Shop-defined extra attributes: up to ${MAX_ATTRIBUTES} slug-named string, number or boolean values.`,
    example: { "cask-strength": true, "chill-filtered": false, bottler: "independent" },
  });

export const TagsSchema = z
  .array(SlugSchema, must("a list of tags"))
  .max(MAX_TAGS, `must have at most ${MAX_TAGS} tags`)
  .openapi({ example: ["peated", "islay", "cask-strength"] });

/** Each field as it is accepted on create and full replace. Optional ones may also be `null` (none). */
export const spiritInputShape = {
  name: requiredText(200).openapi({ example: "Port Ardnahoe 12 Year Old Cask Strength" }),
  brand: requiredText(120).openapi({ example: "Port Ardnahoe" }),
  distillery: requiredText(120).openapi({ example: "Ardnahoe Bay Distillery" }),
  type: z.enum(SPIRIT_TYPES, oneOf(SPIRIT_TYPES)),
  country: CountryCodeSchema,
  region: requiredText(120).nullish().openapi({ example: "Islay" }),
  vintage: YearSchema.nullish().openapi({ description: "Year of distillation.", example: 2012 }),
  ageYears: z
    .number(must("a whole number of years"))
    .int("must be a whole number of years")
    .min(0, "must be 0 to 100")
    .max(100, "must be 0 to 100")
    .nullish()
    .openapi({ example: 12 }),
  abv: z
    .number(must("a percentage"))
    .gt(0, "must be more than 0")
    .max(100, "must be at most 100")
    .openapi({ description: "Alcohol by volume, in percent.", example: 56.4 }),
  caskType: requiredText(200).nullish().openapi({ example: "First-fill bourbon barrels" }),
  bottleSizeMl: z
    .number(must("a whole number of millilitres"))
    .int("must be a whole number of millilitres")
    .min(50, "must be 50 to 6000")
    .max(6000, "must be 50 to 6000")
    .openapi({ example: 700 }),
  description: text(10_000).optional(),
  tastingNotes: TastingNotesSchema.partial().optional(),
  flavourProfile: FlavourProfileSchema.optional(),
  awards: z.array(AwardSchema, must("a list of awards")).max(50, "must have at most 50 awards").optional(),
  price: PriceSchema,
  releaseDate: DateSchema.nullish(),
  status: z
    .enum(SPIRIT_STATUSES, oneOf(SPIRIT_STATUSES))
    .optional()
    .openapi({ description: "Defaults to `available`." }),
  limitedEdition: z.boolean(must("true or false")).optional(),
  totalOutturn: z
    .number(must("a whole number of bottles"))
    .int("must be a whole number of bottles")
    .min(1, "must be at least 1")
    .nullish()
    .openapi({ description: "Bottles produced; required for a limited edition.", example: 1800 }),
  tags: TagsSchema.optional(),
  media: z.array(MediaSchema, must("a list of media")).max(20, "must have at most 20 items").optional(),
  attributes: AttributesSchema.optional(),
  maxPerCustomer: z
    .number(must("a whole number"))
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .nullish()
    .openapi({
      description:
        "How many units of the spirit one customer may buy in total, counted across its variants (a sample counts as one).",
      example: 2,
    }),
  holdMinutes: z
    .number(must("a whole number of minutes"))
    .int("must be a whole number of minutes")
    .min(1, "must be 1 to 1440")
    .max(1440, "must be 1 to 1440")
    .nullish()
    .openapi({ description: "How long a basket hold lasts before the stock goes back.", example: 15 }),
  preorderAllocation: z
    .number(must("a whole number"))
    .int("must be a whole number")
    .min(0, "must not be negative")
    .nullish()
    .openapi({ description: "Bottles set aside for pre-orders.", example: 200 }),
};

type RuleInput = {
  limitedEdition?: boolean | undefined;
  totalOutturn?: number | null | undefined;
  vintage?: number | null | undefined;
  ageYears?: number | null | undefined;
  releaseDate?: string | null | undefined;
  maxPerCustomer?: number | null | undefined;
  preorderAllocation?: number | null | undefined;
};

/** Rules across fields; run on create and replace, and on the result of a patch. */
export function checkSpiritRules(s: RuleInput, ctx: z.RefinementCtx) {
  const add = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (s.limitedEdition && s.totalOutturn == null) {
    add("totalOutturn", "is required for a limited edition");
  }
  if (!s.limitedEdition && s.totalOutturn != null) {
    add("totalOutturn", "is only for limited editions (set limitedEdition to true)");
  }
  if (s.vintage != null && s.ageYears != null && s.vintage + s.ageYears > new Date().getUTCFullYear()) {
    add("ageYears", `cannot be ${s.ageYears} for a spirit distilled in ${s.vintage}`);
  }
  if (s.vintage != null && s.releaseDate && Number(s.releaseDate.slice(0, 4)) < s.vintage) {
    add("releaseDate", "must not be before the vintage year");
  }
  if (s.totalOutturn != null && s.maxPerCustomer != null && s.maxPerCustomer > s.totalOutturn) {
    add("maxPerCustomer", "must not exceed the total outturn");
  }
  if (s.totalOutturn != null && s.preorderAllocation != null && s.preorderAllocation > s.totalOutturn) {
    add("preorderAllocation", "must not exceed the total outturn");
  }
}

const strictKeys = objectMust(
  "a JSON object",
  (keys) =>
    `unknown field ${quoted(keys)}; read-only fields (id, rating, createdAt, updatedAt) cannot be sent`,
);

export const SpiritInputSchema = z
  .strictObject(spiritInputShape, strictKeys)
  .superRefine(checkSpiritRules)
  .openapi("SpiritInput", {
    description: "A spirit as sent on create (POST) and full replace (PUT); fields left out are cleared.",
  });

export type SpiritInput = z.output<typeof SpiritInputSchema>;

const nullableValues = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/**
 * A JSON merge patch (RFC 7396): fields left out stay as they are, `null` clears an optional field,
 * objects (tasting notes, flavour profile, attributes, price) merge key by key and arrays are replaced.
 */
const input = spiritInputShape;

export const SpiritPatchSchema = z
  .strictObject(
    {
      name: input.name.optional(),
      brand: input.brand.optional(),
      distillery: input.distillery.optional(),
      type: input.type.optional(),
      country: input.country.optional(),
      region: input.region,
      vintage: input.vintage,
      ageYears: input.ageYears,
      abv: input.abv.optional(),
      caskType: input.caskType,
      bottleSizeMl: input.bottleSizeMl.optional(),
      description: text(10_000).nullish(),
      tastingNotes: z
        .strictObject(
          {
            nose: nullableValues(text(2000)),
            palate: nullableValues(text(2000)),
            finish: nullableValues(text(2000)),
          },
          objectMust("an object with nose, palate and/or finish"),
        )
        .nullish(),
      flavourProfile: z
        .strictObject(Object.fromEntries(FLAVOUR_DIMENSIONS.map((d) => [d, nullableValues(score)])), {
          error: unknownDimension,
        })
        .nullish(),
      awards: input.awards.nullable(),
      price: z
        .strictObject(
          { amountMinor: PriceSchema.shape.amountMinor, currency: CurrencyCodeSchema },
          objectMust("an object with amountMinor and/or currency"),
        )
        .partial()
        .optional(),
      releaseDate: input.releaseDate,
      status: input.status,
      limitedEdition: input.limitedEdition,
      totalOutturn: input.totalOutturn,
      tags: input.tags.nullable(),
      media: input.media.nullable(),
      attributes: z
        .record(SlugSchema, nullableValues(attributeValue), {
          error: (iss) =>
            iss.code === "invalid_key"
              ? `attribute names ${SLUG_MESSAGE}`
              : iss.code === "invalid_type"
                ? "must be an object of attribute values"
                : undefined,
        })
        .nullish(),
      maxPerCustomer: input.maxPerCustomer,
      holdMinutes: input.holdMinutes,
      preorderAllocation: input.preorderAllocation,
    },
    strictKeys,
  )
  .openapi("SpiritPatch", {
    description:
      "A JSON merge patch (RFC 7396, `application/merge-patch+json` or `application/json`): fields left out stay, `null` clears an optional field, objects merge key by key, arrays are replaced. The result must be a valid spirit.",
    example: { price: { amountMinor: 19500 }, status: "sold_out", flavourProfile: { smoky: null } },
  });

export type SpiritPatch = z.output<typeof SpiritPatchSchema>;

export const RatingSchema = z
  .object({
    average: z.number().nullable().openapi({ example: 4.4 }),
    count: z.number().int().openapi({ example: 37 }),
  })
  .openapi("Rating", { description: "From approved reviews only; read-only." });

const nowExample = "2026-05-20T09:30:00.000Z";

const SPIRIT_EXAMPLE = {
  id: "spr_01hx4k7m2qa9c3r5t7v9wxyz",
  name: "Port Ardnahoe 12 Year Old Cask Strength",
  brand: "Port Ardnahoe",
  distillery: "Ardnahoe Bay Distillery",
  type: "scotch",
  country: "GB",
  region: "Islay",
  vintage: 2012,
  ageYears: 12,
  abv: 56.4,
  caskType: "First-fill bourbon barrels",
  bottleSizeMl: 700,
  description: "Heavily peated Islay malt bottled at natural strength from a single parcel of casks.",
  tastingNotes: {
    nose: "Peat smoke, iodine, a little lemon peel.",
    palate: "Oily; tarry rope, smoked pear, sea salt.",
    finish: "Long, drying, embers.",
  },
  flavourProfile: { body: 3, smoky: 4, medicinal: 3, sweetness: 1, fruity: 1 },
  awards: [{ name: "International Spirits Challenge", year: 2024, medal: "gold" }],
  price: { amountMinor: 18500, currency: "GBP" },
  releaseDate: "2025-11-14",
  status: "available",
  limitedEdition: true,
  totalOutturn: 1800,
  tags: ["peated", "islay", "cask-strength"],
  media: [
    {
      url: "https://cdn.example.com/spirits/ardnahoe-12.jpg",
      kind: "image",
      alt: "A squat green bottle with a black label",
    },
  ],
  attributes: { "chill-filtered": false, bottler: "distillery" },
  maxPerCustomer: 2,
  holdMinutes: 15,
  preorderAllocation: 200,
  rating: { average: 4.4, count: 37 },
  createdAt: nowExample,
  updatedAt: nowExample,
};

export const SpiritSchema = z
  .object({
    id: z.string().openapi({ example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    name: z.string(),
    brand: z.string(),
    distillery: z.string(),
    type: z.enum(SPIRIT_TYPES),
    country: z.string(),
    region: z.string().nullable(),
    vintage: z.number().int().nullable(),
    ageYears: z.number().int().nullable(),
    abv: z.number(),
    caskType: z.string().nullable(),
    bottleSizeMl: z.number().int(),
    description: z.string(),
    tastingNotes: TastingNotesSchema,
    flavourProfile: FlavourProfileSchema,
    awards: z.array(AwardSchema),
    price: PriceSchema,
    releaseDate: z.string().nullable(),
    status: z.enum(SPIRIT_STATUSES),
    limitedEdition: z.boolean(),
    totalOutturn: z.number().int().nullable(),
    tags: z.array(z.string()),
    media: z.array(MediaSchema),
    attributes: AttributesSchema,
    maxPerCustomer: z.number().int().nullable(),
    holdMinutes: z.number().int().nullable(),
    preorderAllocation: z.number().int().nullable(),
    rating: RatingSchema,
    createdAt: z.string().openapi({ example: nowExample }),
    updatedAt: z.string().openapi({ example: nowExample }),
  })
  .openapi("Spirit", { example: SPIRIT_EXAMPLE });

export type Spirit = z.infer<typeof SpiritSchema>;

/** A spirit as lists and searches show it: with its availability, so a shop front needs no second call. */
export const SpiritListItemSchema = SpiritSchema.extend({
  available: z.number().int().min(0).openapi({
    description:
      "Bottles available to sell now: on hand and not held, over every location; the same figure as `GET /inventory/{spiritId}`.",
    example: 42,
  }),
  stockStatus: StockStatusSchema,
}).openapi("SpiritListItem", { example: { ...SPIRIT_EXAMPLE, available: 42, stockStatus: "in_stock" } });

export type SpiritListItem = z.infer<typeof SpiritListItemSchema>;

export const SpiritListSchema = z
  .object({
    items: z.array(SpiritListItemSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .openapi("SpiritList");

export const SpiritArchivedSchema = z
  .object({
    outcome: z.literal("archived"),
    detail: z.string().openapi({
      example:
        "The spirit is referred to by 2 batches and 1 wishlist item, so it was archived instead of deleted.",
    }),
    references: z.record(z.string(), z.number().int()).openapi({
      description: "Rows that refer to the spirit, by table.",
      example: { batches: 2, wishlist_items: 1 },
    }),
    spirit: SpiritSchema,
  })
  .openapi("SpiritArchived", {
    description: "Answer to a delete of a spirit that history refers to: it was archived, not deleted.",
  });

export const BatchInputSchema = z
  .strictObject(
    {
      batchNumber: requiredText(64).openapi({ example: "B-2025-03" }),
      caskNumbers: z
        .array(requiredText(32), must("a list of cask numbers"))
        .max(500, "must have at most 500 casks")
        .optional()
        .openapi({ example: ["1187", "1192"] }),
      bottlingDate: DateSchema.nullish(),
      bottleCount: z
        .number(must("a whole number of bottles"))
        .int("must be a whole number of bottles")
        .min(1, "must be at least 1")
        .nullish()
        .openapi({ example: 612 }),
      notes: text(5000)
        .optional()
        .openapi({ example: "Slightly darker: one sherry hogshead in the vatting." }),
    },
    objectMust("a JSON object"),
  )
  .openapi("BatchInput", { description: "A batch (lot) as sent on create and full replace." });

export type BatchInput = z.output<typeof BatchInputSchema>;

export const BatchSchema = z
  .object({
    id: z.string().openapi({ example: "bat_01hx4k9p3rb2d4s6u8w0yzab" }),
    spiritId: z.string().openapi({ example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    batchNumber: z.string().openapi({ example: "B-2025-03" }),
    caskNumbers: z.array(z.string()).openapi({ example: ["1187", "1192"] }),
    bottlingDate: z.string().nullable().openapi({ example: "2025-09-30" }),
    bottleCount: z.number().int().nullable().openapi({ example: 612 }),
    notes: z.string(),
    createdAt: z.string().openapi({ example: nowExample }),
    updatedAt: z.string().openapi({ example: nowExample }),
  })
  .openapi("Batch");

export type Batch = z.infer<typeof BatchSchema>;

export const BatchListSchema = z
  .object({ items: z.array(BatchSchema), nextCursor: z.string().nullable() })
  .openapi("BatchList");

/** The list filters; exported as a plain shape so the search module can extend it (q, facets, sorts). */
export const spiritListQueryShape = {
  type: z.enum(SPIRIT_TYPES).optional(),
  country: CountryCodeSchema.optional(),
  status: z
    .enum(SPIRIT_STATUSES)
    .optional()
    .openapi({ description: "Archived spirits are listed only when staff ask for `archived`." }),
  currency: CurrencyCodeSchema.optional().openapi({ description: "Required with minPrice or maxPrice." }),
  minPrice: z.coerce
    .number(must("a whole number of minor units"))
    .int("must be a whole number of minor units")
    .min(0, "must not be negative")
    .optional()
    .openapi({
      type: "integer",
      minimum: 0,
      description: "Lowest price in minor units (inclusive).",
      example: 5000,
    }),
  maxPrice: z.coerce
    .number(must("a whole number of minor units"))
    .int("must be a whole number of minor units")
    .min(0, "must not be negative")
    .optional()
    .openapi({
      type: "integer",
      minimum: 0,
      description: "Highest price in minor units (inclusive).",
      example: 25000,
    }),
  ...pageQueryShape(),
  personalize: z
    .enum(["true", "false"], { error: "must be true or false" })
    .transform((v) => v === "true")
    .optional()
    .openapi({
      type: "boolean",
      description:
        "Re-rank this page by the signed-in customer's taste (the recommendations module's affinity). " +
        "Filters, page contents and cursors stay exactly the same; only the order within the page changes. " +
        "The `X-Personalized` response header says whether it was applied.",
    }),
};

export function checkPriceRange(
  q: { currency?: string | undefined; minPrice?: number | undefined; maxPrice?: number | undefined },
  ctx: z.RefinementCtx,
) {
  if ((q.minPrice !== undefined || q.maxPrice !== undefined) && !q.currency) {
    ctx.addIssue({ code: "custom", path: ["currency"], message: "is required with minPrice or maxPrice" });
  }
  if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) {
    ctx.addIssue({ code: "custom", path: ["maxPrice"], message: "must not be below minPrice" });
  }
}

export const SpiritListQuerySchema = z.object(spiritListQueryShape).superRefine(checkPriceRange);
export type SpiritListQuery = z.output<typeof SpiritListQuerySchema>;

export const PageQuerySchema = z.object({
  limit: spiritListQueryShape.limit,
  cursor: spiritListQueryShape.cursor,
});

export const SpiritIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

export const BatchIdParamsSchema = SpiritIdParamsSchema.extend({
  batchId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "batchId", in: "path" }, example: "bat_01hx4k9p3rb2d4s6u8w0yzab" }),
});
