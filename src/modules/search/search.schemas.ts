import { z } from "@hono/zod-openapi";
import { MEDALS, SPIRIT_STATUSES, SPIRIT_TYPES } from "../../db/schema/catalog.ts";
import { isCountryCode, isCurrencyCode } from "../../http/iso-codes.ts";
import { asArray, csvList, type ItemDoc, MAX_VALUES, queryFlag } from "../../http/query-lists.ts";
import {
  checkPriceRange,
  SpiritListItemSchema,
  SpiritListSchema,
  spiritListQueryShape,
} from "../catalog/index.ts";
import { AGE_BUCKETS, CASK_FAMILIES, FACET_NAMES, PRICE_BUCKETS } from "./search-filters.ts";
import { PRICE_SORTS, SEARCH_SORTS, type SearchSort } from "./sort.ts";

/**
 * Query parameters of `GET /spirits` with search, and what it answers. A list parameter may be repeated
 * (`region=Islay&region=Speyside`); those whose values cannot contain commas (types, codes, tags) may
 * also be written comma-separated (`type=scotch,irish`).
 */

/** A repeated list of free-text values (names can hold commas, so commas do not split). */
const textList = (description: string, example: string) =>
  z
    .preprocess(
      (v) => asArray(v)?.map((x) => String(x).trim()),
      z
        .array(z.string())
        .max(MAX_VALUES, `must have at most ${MAX_VALUES} values`)
        .superRefine((values, ctx) => {
          if (values.some((v) => v.length === 0))
            ctx.addIssue({ code: "custom", message: "must not be empty" });
          if (values.some((v) => v.length > 200))
            ctx.addIssue({ code: "custom", message: "must be at most 200 characters" });
        })
        .optional(),
    )
    .openapi({
      type: "array",
      items: { type: "string", minLength: 1, maxLength: 200 },
      maxItems: MAX_VALUES,
      description: `${description} Repeat the parameter for more than one.`,
      example: [example],
      param: { style: "form", explode: true },
    });

const flag = queryFlag;

const wholeNumber = (min: number, max: number, description: string) =>
  z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(min, `must be ${min} to ${max}`)
    .max(max, `must be ${min} to ${max}`)
    .optional()
    // Coercion takes null for 0, so the generator would call it nullable; a query value never is.
    .openapi({ type: "integer", minimum: min, maximum: max, description });

const percent = (description: string) =>
  z.coerce
    .number({ error: "must be a number" })
    .min(0, "must be 0 to 100")
    .max(100, "must be 0 to 100")
    .optional()
    .openapi({ type: "number", minimum: 0, maximum: 100, description });

const date = (description: string) =>
  z.iso
    .date({ error: "must be a date written YYYY-MM-DD" })
    .optional()
    .openapi({ description, example: "2024-01-01" });

const medalList = (description: string) =>
  csvList(z.enum(MEDALS, { error: `must be one of ${MEDALS.join(", ")}` }), description);

/**
 * An old name of a filter, kept working for clients written against it. Marked deprecated, so generated
 * clients flag it; its values join the new name's (see FILTER_ALIASES).
 */
const deprecatedAlias = <T extends z.ZodType>(
  schema: T,
  current: string,
  param: { style: "form"; explode: boolean },
) =>
  schema.openapi({
    description: `Deprecated: use \`${current}\`, the name of its facet; this is the same filter under its old name.`,
    param: { ...param, deprecated: true },
  });

/** Deprecated filter names and the names they stand for (the facets' names). */
export const FILTER_ALIASES = { award: "awards", medal: "medals" } as const;

const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
const tag = z
  .string()
  .max(40, "must be at most 40 characters")
  .regex(SLUG, "must be a tag slug such as sherry-cask");
const TAG_DOC: ItemDoc = { type: "string", maxLength: 40, pattern: SLUG.source };

export const searchQueryShape = {
  q: z.string().max(200, "must be at most 200 characters").optional().openapi({
    description:
      'Words to search for, as a collector types them: `peated islay 18`, `"glen corrach"` (a phrase), `sherry cask under 300` (a price). The last word matches as a prefix while typing; a word one or two letters off a known word still finds it.',
    example: "peated islay 18",
  }),
  type: csvList(
    z.enum(SPIRIT_TYPES, { error: `must be one of ${SPIRIT_TYPES.join(", ")}` }),
    "Spirit types; `whisky` also finds scotch, bourbon, rye, irish and japanese, `brandy` finds cognac, armagnac and calvados.",
  ),
  country: csvList(
    z.string().refine(isCountryCode, "must be an ISO 3166-1 alpha-2 code in upper case, such as GB"),
    "Countries (ISO 3166-1 alpha-2).",
    { type: "string", pattern: "^[A-Z]{2}$" },
  ),
  region: textList("Regions.", "Islay"),
  distillery: textList("Distilleries, by name as the catalog writes them.", "Lagavullan Distillery"),
  brand: textList("Brands (the bottler's name for independent bottlings).", "Lagavullan"),
  status: csvList(
    z.enum(SPIRIT_STATUSES, { error: `must be one of ${SPIRIT_STATUSES.join(", ")}` }),
    "Statuses; archived spirits are listed only when staff ask for `archived`.",
  ),
  ageBucket: csvList(
    z.enum(AGE_BUCKETS, { error: `must be one of ${AGE_BUCKETS.join(", ")}` }),
    "Age groups.",
  ),
  priceBucket: csvList(
    z.enum(PRICE_BUCKETS, { error: `must be one of ${PRICE_BUCKETS.join(", ")}` }),
    "Price groups, in major units of the spirit's currency.",
  ),
  tags: csvList(tag, "Tags the spirit must all have.", TAG_DOC),
  anyTags: csvList(
    tag,
    "Tags of which the spirit must have at least one (the `tags` facet's selection).",
    TAG_DOC,
  ),
  hasAwards: flag("Only spirits with (true) or without (false) awards."),
  awards: textList(
    "Award names (competitions), as the `awards` facet lists them.",
    "International Spirits Challenge",
  ),
  medals: medalList("Medals won, as the `medals` facet lists them."),
  award: deprecatedAlias(
    textList("Award names (competitions).", "International Spirits Challenge"),
    "awards",
    { style: "form", explode: true },
  ),
  medal: deprecatedAlias(medalList("Medals won."), "medals", { style: "form", explode: false }),
  caskType: csvList(
    z.enum(CASK_FAMILIES, { error: `must be one of ${CASK_FAMILIES.join(", ")}` }),
    "Cask families, read from the cask description (a finish counts).",
  ),
  minAge: wholeNumber(0, 100, "Youngest age statement in years (spirits without one are left out)."),
  maxAge: wholeNumber(0, 100, "Oldest age statement in years."),
  minVintage: wholeNumber(1800, 2200, "Earliest vintage year."),
  maxVintage: wholeNumber(1800, 2200, "Latest vintage year."),
  minAbv: percent("Lowest strength, % ABV."),
  maxAbv: percent("Highest strength, % ABV."),
  currency: z
    .string()
    .refine(isCurrencyCode, "must be an ISO 4217 code in upper case, such as GBP")
    .optional()
    .openapi({
      description:
        "Required with minPrice or maxPrice and with the price sorts (`price_asc`, `price_desc`); only spirits " +
        "priced in it are listed, so a spirit without a price in this currency is left out.",
      example: "GBP",
    }),
  minPrice: spiritListQueryShape.minPrice,
  maxPrice: spiritListQueryShape.maxPrice,
  limited: flag("Only limited editions (true) or only regular releases (false)."),
  inStock: flag("Only spirits with bottles available now (from the inventory levels)."),
  releasedFrom: date("Released on or after this date."),
  releasedTo: date("Released on or before this date."),
  facets: csvList(
    z.enum(FACET_NAMES as [string, ...string[]], { error: `must be one of ${FACET_NAMES.join(", ")}` }),
    "Facets to count for the query and filters; a facet's own filter does not narrow its own counts.",
  ),
  facetLimit: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be 1 to 100")
    .max(100, "must be 1 to 100")
    .default(20)
    .openapi({ description: "Most values shown per facet (selected values are always shown)." }),
  sort: z
    .enum(SEARCH_SORTS, { error: `must be one of ${SEARCH_SORTS.join(", ")}` })
    .optional()
    .openapi({
      description:
        "`relevance` (the default with `q`), `newest` (added to the catalog; the default without `q`), `release` (newest release date), `price_asc`, `price_desc`, `age_desc`, `age_asc`, `rating`. " +
        "The price sorts need `currency`: they order by the price in that currency and leave out spirits not priced in it.",
    }),
  limit: spiritListQueryShape.limit,
  cursor: spiritListQueryShape.cursor,
  personalize: spiritListQueryShape.personalize,
};

type Ranged = Record<string, unknown>;

function checkRanges(q: Ranged, ctx: z.RefinementCtx) {
  for (const [lo, hi] of [
    ["minAge", "maxAge"],
    ["minVintage", "maxVintage"],
    ["minAbv", "maxAbv"],
    ["releasedFrom", "releasedTo"],
  ] as const) {
    const a = q[lo];
    const b = q[hi];
    if (a !== undefined && b !== undefined && (a as number | string) > (b as number | string)) {
      ctx.addIssue({ code: "custom", path: [hi], message: `must not be below ${lo}` });
    }
  }
}

/** Amounts in different currencies do not compare, so a price order is only ever within one currency. */
function checkPriceSort(
  q: { sort?: SearchSort | undefined; currency?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (q.sort && PRICE_SORTS.includes(q.sort) && !q.currency) {
    ctx.addIssue({
      code: "custom",
      path: ["currency"],
      message:
        "is required with sort=price_asc and price_desc: prices in different currencies cannot be ordered together",
    });
  }
}

export const SearchQuerySchema = z.object(searchQueryShape).superRefine((q, ctx) => {
  checkPriceRange(q, ctx);
  checkPriceSort(q, ctx);
  checkRanges(q, ctx);
});

export type SearchQuery = z.output<typeof SearchQuerySchema>;

export const FacetValueSchema = z
  .object({
    value: z.string().openapi({ example: "Islay" }),
    count: z.number().int().openapi({ example: 412 }),
  })
  .openapi("FacetValue");

const RangeSchema = z.object({ min: z.number(), max: z.number() }).nullable();

export const SearchStatsSchema = z
  .object({
    ageYears: RangeSchema,
    vintage: RangeSchema,
    abv: RangeSchema,
    rating: RangeSchema,
    price: z.array(z.object({ currency: z.string(), min: z.number().int(), max: z.number().int() })),
  })
  .openapi("SearchStats", {
    description: "Lowest and highest values among all the results (not only this page).",
  });

export const SearchQueryReportSchema = z
  .object({
    text: z.string(),
    matchingStrategy: z
      .enum(["all", "any"])
      .openapi({ description: "`all` words had to match; `any` when all together found nothing." }),
    terms: z.array(
      z.object({
        term: z.string(),
        prefix: z.boolean(),
        corrections: z
          .array(z.string())
          .openapi({ description: "Known words tried for a word the index does not know." }),
      }),
    ),
    ignored: z
      .array(z.string())
      .openapi({ description: "Words too common to search by, or beyond the word limit." }),
    understood: z
      .object({
        minPrice: z.number().int().optional(),
        maxPrice: z.number().int().optional(),
        currency: z.string(),
      })
      .optional()
      .openapi({ description: 'Price filters read from the words ("under 300"), in minor units.' }),
  })
  .openapi("SearchQueryReport");

export const SpiritHitSchema = SpiritListItemSchema.extend({
  highlights: z
    .object({
      name: z.string().optional().openapi({ example: "<mark>Lagavullan</mark> 16 Year Old" }),
      snippet: z
        .string()
        .optional()
        .openapi({ example: "…heavily <mark>peated</mark> <mark>Islay</mark> single malt…" }),
    })
    .optional()
    .openapi({ description: "What matched, as HTML: text escaped, matches in <mark>." }),
}).openapi("SpiritHit");

/** A SpiritList (what plain listings answer) with the search's extras. */
export const SpiritSearchResultSchema = SpiritListSchema.extend({
  items: z.array(SpiritHitSchema),
  total: z.number().int().optional().openapi({ description: "How many spirits match in all (search only)." }),
  sort: z.enum(SEARCH_SORTS).optional(),
  facets: z.record(z.string(), z.array(FacetValueSchema)).optional(),
  stats: SearchStatsSchema.optional(),
  query: SearchQueryReportSchema.optional(),
}).openapi("SpiritSearchResult");

export const SearchHistoryEntrySchema = z
  .object({
    id: z.string().openapi({ example: "srch_01hx4k7m2qa9c3r5t7v9wxyz" }),
    query: z.string().openapi({ example: "peated islay" }),
    filters: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]))
      .openapi({ example: { maxPrice: 30000, currency: "GBP" } }),
    sort: z.string().openapi({ example: "relevance" }),
    resultCount: z.number().int().openapi({ example: 212 }),
    at: z.string().openapi({ example: "2026-05-20T09:30:00.000Z" }),
  })
  .openapi("SearchHistoryEntry");

export const SearchHistoryListSchema = z
  .object({ items: z.array(SearchHistoryEntrySchema), nextCursor: z.string().nullable() })
  .openapi("SearchHistoryList");

export const CustomerIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, description: "A customer id, or `me`.", example: "me" }),
});

export const HistoryQuerySchema = z.object({
  limit: spiritListQueryShape.limit,
  cursor: spiritListQueryShape.cursor,
});
