import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAuditService } from "../../src/modules/audit/audit.service.ts";
import { createCatalogService } from "../../src/modules/catalog/catalog.service.ts";
import { createSearchService, type SearchRequest } from "../../src/modules/search/search.service.ts";
import { VISIBLE_STATUSES } from "../../src/modules/search/search-filters.ts";
import { seededApp } from "./search-fixture.ts";

/**
 * The relevance ranking leaves out documents the filters turned away either by listing them (few) or
 * by a per-document blob mask (many). Both must give the same pages: the same service is run with the
 * list and with the mask forced.
 */
let app: Awaited<ReturnType<typeof seededApp>>;
beforeAll(async () => {
  app = await seededApp(1500, 17);
});
afterAll(() => app.t.close());

describe("leaving filtered documents out of the ranking", () => {
  test("a list and a blob mask give the same pages", async () => {
    const catalog = createCatalogService(app.t.deps, createAuditService(app.t.deps));
    const listing = createSearchService(app.t.deps, catalog);
    const masking = createSearchService(app.t.deps, catalog, { maxListed: 0 });
    const requests: Omit<SearchRequest, "limit">[] = [
      { q: "islay", filters: {}, callerStatuses: VISIBLE_STATUSES, facets: [], facetLimit: 10 },
      {
        q: "cask ",
        filters: { type: ["scotch"], minAge: 12 },
        callerStatuses: VISIBLE_STATUSES,
        facets: [],
        facetLimit: 10,
      },
      { q: "glen", filters: { limited: true }, callerStatuses: VISIBLE_STATUSES, facets: [], facetLimit: 10 },
      {
        q: "sherry oloroso",
        filters: { anyTags: ["sherry-cask"] },
        callerStatuses: VISIBLE_STATUSES,
        facets: [],
        facetLimit: 10,
      },
    ];
    for (const r of requests) {
      const walk = async (service: typeof listing) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await service.search({ ...r, limit: 13, cursor });
          ids.push(...page.items.map((s) => s.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return ids;
      };
      const a = await walk(listing);
      expect(a.length).toBeGreaterThan(0);
      expect(await walk(masking)).toEqual(a);
    }
  });
});
