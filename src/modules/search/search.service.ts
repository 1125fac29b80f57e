/**
 * Search over the catalog: SQLite FTS5 (inside libSQL) finds and ranks text matches; the in-memory
 * copy of the index's filter columns (document-store.ts) counts totals and facets and sorts by the
 * other orders; the catalog service supplies the spirits themselves. The search itself: search-page.ts.
 */
import type { Deps } from "../../deps.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import { DocumentStore } from "./document-store.ts";
import type { SearchContext, SearchRequest } from "./search.context.ts";
import { createSearchHistory } from "./search-history.ts";
import { search } from "./search-page.ts";
import { Vocabulary } from "./vocabulary.ts";

export type { QueryReport, SearchHit, SearchRequest, SearchResult } from "./search.context.ts";

export type SearchOptions = {
  /** Up to this many documents are left out of a ranking by listing them; more, by a blob mask. */
  maxListed?: number;
};

export function createSearchService(
  deps: Deps,
  catalog: Pick<CatalogService, "listSpirits">,
  options: SearchOptions = {},
) {
  const ctx: SearchContext = {
    deps,
    catalog,
    store: new DocumentStore(deps.client),
    vocabulary: new Vocabulary(deps.client, deps.logger),
    maxListed: options.maxListed ?? 4000,
    scratch: { positions: new Int32Array(0) },
  };
  const { store, vocabulary } = ctx;
  return {
    search: (req: SearchRequest) => search(ctx, req),
    ...createSearchHistory(deps),
    /** Loads the in-memory index copy and vocabulary ahead of the first search. */
    async warm(): Promise<void> {
      await store.refresh();
      await vocabulary.ready();
    },
    /** Sizes of the in-memory parts, for benchmarks and health. */
    memory: () => ({
      documents: store.size,
      vocabulary: vocabulary.size,
      lastFullLoadMs: store.lastFullLoadMs,
    }),
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
