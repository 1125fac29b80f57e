import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { CACHE_HEADERS, cachedRead, NOT_MODIFIED } from "../../http/http-cache.ts";
import { AUTH_ERRORS, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  CustomerIdParamsSchema,
  HistoryQuerySchema,
  SearchHistoryListSchema,
  SearchQuerySchema,
  SpiritSearchResultSchema,
} from "./search.schemas.ts";

export const listSpirits = createRoute({
  method: "get",
  path: "/spirits",
  tags: ["Catalog", "Search"],
  summary: "List and search spirits",
  description:
    "Without search parameters, the catalog newest first. With `q`, filters, `facets` or `sort`: full-text search " +
    "(SQLite FTS5, bm25 ranked: name above distillery and brand, above awards and tags, above tasting notes and " +
    "description; prefix matching on the word being typed; phrases in quotes; words one or two letters off a known " +
    "word still match), combinable filters, facet counts computed disjunctively (a facet's own selection does not " +
    "narrow its counts), numeric stats, and stable cursor pages. Archived spirits are left out unless staff ask for " +
    "`status=archived`. A signed-in customer's searches are kept in their search history.",
  ...access("public", { readsToken: true }),
  ...cachedRead("catalog"),
  request: { query: SearchQuerySchema },
  responses: {
    200: {
      ...jsonContent(SpiritSearchResultSchema, "One page of spirits, with facets and stats when asked for."),
      headers: CACHE_HEADERS.extend({
        "Server-Timing": z.string().optional().openapi({
          description:
            "Searches only: milliseconds per stage (index, match, facets, rank or sort, fetch, highlight).",
          example:
            "index;dur=0.05, match;dur=1.90, facets;dur=3.10, rank;dur=8.40, fetch;dur=1.20, highlight;dur=0.30",
        }),
      }),
    },
    ...NOT_MODIFIED,
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export const getSearchHistory = createRoute({
  method: "get",
  path: "/customers/{id}/search-history",
  operationId: "listSearchHistory",
  tags: ["Search", "Customers"],
  summary: "A customer's searches, newest first",
  description:
    "What the customer searched for (words, filters, sort) and how many spirits it found. `me` is the caller.",
  ...access("owner"),
  request: { params: CustomerIdParamsSchema, query: HistoryQuerySchema },
  responses: {
    200: jsonContent(SearchHistoryListSchema, "One page of searches."),
    ...problemResponses(401, 404, 422),
  },
});

export type ListSpiritsRoute = typeof listSpirits;
export type GetSearchHistoryRoute = typeof getSearchHistory;
