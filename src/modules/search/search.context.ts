/**
 * What every part of a search shares: the in-memory copy of the index's filter columns (document-store.ts),
 * the vocabulary for corrections, the catalog that supplies the spirits, and one scratch buffer for the
 * matching positions (see evaluate()'s `scratch`). One per service: the store and vocabulary are caches.
 */
import type { z } from "@hono/zod-openapi";
import type { SpiritStatus } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { SpiritSchema } from "../catalog/index.ts";
import type { DocumentStore } from "./document-store.ts";
import type { FacetValue, SearchStats } from "./evaluate.ts";
import type { MatchingStrategy, TermReport } from "./fts-query.ts";
import type { FacetName, SearchFilters } from "./search-filters.ts";
import type { SearchSort } from "./sort.ts";
import type { Vocabulary } from "./vocabulary.ts";

export type SearchContext = {
  deps: Deps;
  catalog: Pick<CatalogService, "listSpirits">;
  store: DocumentStore;
  vocabulary: Vocabulary;
  /** Up to this many documents are left out of a ranking by listing them; more, by a blob mask. */
  maxListed: number;
  /** Reused by every search for the matching positions; grown when the store outgrows it. */
  scratch: { positions: Int32Array };
};

export type Spirit = z.infer<typeof SpiritSchema>;

export type SearchRequest = {
  q?: string | undefined;
  filters: SearchFilters;
  /** Statuses the caller may see at all: staff every one, everyone else all but archived. */
  callerStatuses: SpiritStatus[];
  facets: FacetName[];
  facetLimit: number;
  /** Numeric min/max of the result set; on by default when facets are asked for. */
  stats?: boolean;
  sort?: SearchSort | undefined;
  limit: number;
  cursor?: string | undefined;
  /** Filled with how long each stage took (ms), for a Server-Timing header. */
  timings?: Record<string, number>;
};

export type SearchHit = Spirit & { highlights?: { name?: string; snippet?: string } };

export type QueryReport = {
  text: string;
  matchingStrategy: MatchingStrategy;
  terms: TermReport[];
  ignored: string[];
  /** Filters read from the words ("under 300"), in minor units, with the currency assumed. */
  understood?: { minPrice?: number; maxPrice?: number; currency: string };
};

export type SearchResult = {
  items: SearchHit[];
  nextCursor: string | null;
  total: number;
  sort: SearchSort;
  facets?: Partial<Record<FacetName, FacetValue[]>>;
  stats?: SearchStats;
  query?: QueryReport;
};
