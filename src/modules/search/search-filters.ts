import type { SpiritStatus, SpiritType } from "../../db/schema/catalog.ts";

/**
 * The filters a search takes, in one normalised shape that both evaluators read: the in-memory one
 * (totals, facet counts, sorted pages) and the SQL one (pages ranked by relevance). Lists within one
 * filter are alternatives (OR); different filters all apply (AND).
 */
export type SearchFilters = {
  type?: SpiritType[];
  country?: string[];
  region?: string[];
  distillery?: string[];
  brand?: string[];
  status?: SpiritStatus[];
  ageBucket?: string[];
  priceBucket?: string[];
  /** Spirits with any of these tags. */
  anyTags?: string[];
  /** Spirits with all of these tags. */
  tags?: string[];
  /** Award (competition) names. */
  awards?: string[];
  medals?: string[];
  caskType?: string[];
  hasAwards?: boolean;
  minAge?: number;
  maxAge?: number;
  minVintage?: number;
  maxVintage?: number;
  minAbv?: number;
  maxAbv?: number;
  currency?: string;
  minPrice?: number;
  maxPrice?: number;
  limited?: boolean;
  inStock?: boolean;
  releasedFrom?: string;
  releasedTo?: string;
};

/** Family types: asking for `whisky` finds scotch, bourbon and the rest, as the catalog list does. */
export const TYPE_FAMILIES: Partial<Record<SpiritType, SpiritType[]>> = {
  whisky: ["whisky", "scotch", "bourbon", "rye", "irish", "japanese"],
  brandy: ["brandy", "cognac", "armagnac", "calvados"],
};

/** The families a type belongs to (besides itself), for counting the type facet. */
export const FAMILIES_OF: Partial<Record<string, SpiritType[]>> = Object.fromEntries(
  Object.values(TYPE_FAMILIES)
    .flat()
    .map((member) => [
      member,
      (Object.entries(TYPE_FAMILIES) as [SpiritType, SpiritType[]][])
        .filter(([family, members]) => family !== member && members.includes(member))
        .map(([family]) => family),
    ]),
);

export const VISIBLE_STATUSES: SpiritStatus[] = ["announced", "available", "sold_out"];
export const ALL_STATUSES: SpiritStatus[] = [...VISIBLE_STATUSES, "archived"];

/** Columns of search_documents that facets count and filters match, one value per spirit. */
export const COLUMN_FACETS = {
  type: { column: "type", filter: "type" },
  country: { column: "country", filter: "country" },
  region: { column: "region", filter: "region" },
  distillery: { column: "distillery", filter: "distillery" },
  brand: { column: "brand", filter: "brand" },
  status: { column: "status", filter: "status" },
  ageBucket: { column: "age_bucket", filter: "ageBucket" },
  priceBucket: { column: "price_bucket", filter: "priceBucket" },
} as const;

/** Facets over search_terms, several values per spirit. */
export const TERM_FACETS = {
  tags: { term: "tag", filter: "anyTags" },
  awards: { term: "award", filter: "awards" },
  medals: { term: "medal", filter: "medals" },
  caskType: { term: "cask", filter: "caskType" },
} as const;

export type ColumnFacet = keyof typeof COLUMN_FACETS;
export type TermFacet = keyof typeof TERM_FACETS;
export type FacetName = ColumnFacet | TermFacet;
export const FACET_NAMES = [...Object.keys(COLUMN_FACETS), ...Object.keys(TERM_FACETS)] as FacetName[];
export type TermKind = (typeof TERM_FACETS)[TermFacet]["term"];

/** The filter that narrows each facet: a facet's counts ignore it (disjunctive faceting). */
export const FACET_FILTER: Record<FacetName, keyof SearchFilters> = {
  ...Object.fromEntries(Object.entries(COLUMN_FACETS).map(([f, d]) => [f, d.filter])),
  ...Object.fromEntries(Object.entries(TERM_FACETS).map(([f, d]) => [f, d.filter])),
} as Record<FacetName, keyof SearchFilters>;

export const AGE_BUCKETS = ["nas", "under-12", "12-17", "18-24", "25-39", "40-plus"] as const;
export const PRICE_BUCKETS = ["under-50", "50-100", "100-250", "250-500", "500-1000", "1000-plus"] as const;
export const CASK_FAMILIES = [
  "bourbon",
  "sherry",
  "port",
  "wine",
  "rum",
  "virgin-oak",
  "new-charred-oak",
  "mizunara",
  "french-oak",
  "refill",
] as const;

/** The list of statuses a search may return: the caller's filter, or everything but archived. */
export const statusesOf = (f: SearchFilters): SpiritStatus[] => f.status ?? VISIBLE_STATUSES;

/** The types a type filter means, families expanded. */
export function expandTypes(types: SpiritType[]): SpiritType[] {
  return [...new Set(types.flatMap((t) => TYPE_FAMILIES[t] ?? [t]))];
}

/** Days since 1970 of a YYYY-MM-DD date, the form release dates are compared in. */
export const dayOf = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
