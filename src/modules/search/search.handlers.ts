import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env.ts";
import type { SearchHistoryFilters } from "../../db/schema/search.ts";
import { isStaff, principalOf, resolveCustomerId } from "../../http/auth.ts";
import { ProblemError } from "../../http/problem.ts";
import { personalizeListing } from "../recommendations/index.ts";
import { withAvailability } from "./list-availability.ts";
import type { GetSearchHistoryRoute, ListSpiritsRoute } from "./search.routes.ts";
import { FILTER_ALIASES, type SearchQuery } from "./search.schemas.ts";
import type { FacetName, SearchFilters } from "./search-filters.ts";
import { ALL_STATUSES, VISIBLE_STATUSES } from "./search-filters.ts";

/** Parameters that only the search understands; without them the catalog's own listing answers. */
const SEARCH_ONLY: (keyof SearchQuery)[] = [
  "q",
  "region",
  "distillery",
  "brand",
  "ageBucket",
  "priceBucket",
  "tags",
  "anyTags",
  "hasAwards",
  "awards",
  "medals",
  "award",
  "medal",
  "caskType",
  "minAge",
  "maxAge",
  "minVintage",
  "maxVintage",
  "minAbv",
  "maxAbv",
  "limited",
  "inStock",
  "releasedFrom",
  "releasedTo",
  "facets",
  "sort",
];

const NOT_FILTERS = new Set(["q", "facets", "facetLimit", "sort", "limit", "cursor", "personalize"]);

function isPlainListing(q: SearchQuery): boolean {
  return (
    SEARCH_ONLY.every((k) => q[k] === undefined) &&
    (q.type?.length ?? 0) <= 1 &&
    (q.country?.length ?? 0) <= 1 &&
    (q.status?.length ?? 0) <= 1
  );
}

/** The filters under their one name each: a deprecated name's values join the current name's. */
function filtersOf(q: SearchQuery): SearchFilters {
  const filters: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) {
    if (NOT_FILTERS.has(k) || v === undefined || k in FILTER_ALIASES) continue;
    filters[k] = v;
  }
  for (const [old, current] of Object.entries(FILTER_ALIASES)) {
    const values = q[old as keyof typeof FILTER_ALIASES];
    if (values) filters[current] = [...new Set([...((filters[current] as string[]) ?? []), ...values])];
  }
  return filters as SearchFilters;
}

/** Keeps running after the response: on Workers through waitUntil, on Bun the process simply goes on. */
function afterResponse(c: Context<AppEnv>, work: Promise<void>) {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context outside Workers; the promise runs on and logs its own failure.
  }
}

export const listSpirits: RouteHandler<ListSpiritsRoute, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const staff = isStaff(c.get("principal"));
  if (query.status?.includes("archived") && !staff) {
    principalOf(c); // anonymous: 401 first
    throw new ProblemError(403, "Only staff can list archived spirits.");
  }
  if (isPlainListing(query)) {
    const { type, country, status, currency, minPrice, maxPrice, limit, cursor } = query;
    const page = await c.get("services").catalog.listSpirits({
      filters: { type: type?.[0], country: country?.[0], status: status?.[0], currency, minPrice, maxPrice },
      limit,
      cursor,
    });
    const listed = await personalizeListing(c, query.personalize, page);
    return c.json(await withAvailability(c, listed), 200);
  }
  const filters = filtersOf(query);
  const timings: Record<string, number> = {};
  const result = await c.get("services").search.search({
    q: query.q,
    filters,
    callerStatuses: staff ? ALL_STATUSES : VISIBLE_STATUSES,
    facets: (query.facets ?? []) as FacetName[],
    facetLimit: query.facetLimit,
    sort: query.sort,
    limit: query.limit,
    cursor: query.cursor,
    timings,
  });
  const principal = c.get("principal");
  if (principal?.role === "customer" && !query.cursor) {
    afterResponse(
      c,
      c.get("services").search.recordSearch(principal.id, {
        query: query.q?.trim() ?? "",
        filters: filters as SearchHistoryFilters,
        sort: result.sort,
        resultCount: result.total,
      }),
    );
  }
  c.header("Server-Timing", serverTiming(timings));
  const found = await personalizeListing(c, query.personalize, result);
  return c.json(await withAvailability(c, found), 200);
};

/** `index;dur=0.05, match;dur=2.40, ...`: where the time of a search went, for browsers' dev tools and logs. */
const serverTiming = (timings: Record<string, number>) =>
  Object.entries(timings)
    .map(([stage, ms]) => `${stage};dur=${ms.toFixed(2)}`)
    .join(", ");

export const getSearchHistory: RouteHandler<GetSearchHistoryRoute, AppEnv> = async (c) => {
  const customerId = resolveCustomerId(principalOf(c), c.req.valid("param").id);
  return c.json(await c.get("services").search.listSearchHistory(customerId, c.req.valid("query")), 200);
};
