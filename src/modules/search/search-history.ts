import { and, eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type SearchHistoryFilters, type SearchHistoryRow, searchHistory } from "../../db/schema/search.ts";
import type { Deps } from "../../deps.ts";

export type SearchHistoryEntry = {
  id: string;
  query: string;
  filters: SearchHistoryFilters;
  sort: string;
  resultCount: number;
  at: string;
};

export type SearchToRecord = Omit<SearchHistoryEntry, "id" | "at">;

const NEWEST_FIRST: Sort<SearchHistoryRow> = {
  name: "history",
  keys: [
    { column: searchHistory.at, direction: "desc", value: (r) => r.at },
    { column: searchHistory.id, direction: "desc", value: (r) => r.id },
  ],
};

const toEntry = (r: SearchHistoryRow): SearchHistoryEntry => ({
  id: r.id,
  query: r.query,
  filters: r.filters,
  sort: r.sort,
  resultCount: r.resultCount,
  at: r.at,
});

/**
 * A customer's searches, for personalisation. Recording happens after the search has answered and is
 * never awaited by it; a failed write is logged (never lost silently) and `settled()` lets a test or a
 * shutdown wait for writes still in flight.
 */
export function createSearchHistory(deps: Deps) {
  const { db, clock, logger } = deps;
  const inFlight = new Set<Promise<void>>();

  async function write(customerId: string, entry: SearchToRecord): Promise<void> {
    const now = clock.now();
    await db.insert(searchHistory).values({
      id: newId("srch", now.getTime()),
      customerId,
      ...entry,
      at: now.toISOString(),
    });
  }

  /** Starts recording and answers at once; the returned promise settles when the row is written (or logged). */
  function recordSearch(customerId: string, entry: SearchToRecord): Promise<void> {
    const p = write(customerId, entry)
      .catch((err) => {
        logger.log("error", { msg: "search history was not recorded", customerId, error: String(err) });
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  }

  async function listSearchHistory(
    customerId: string,
    params: { limit: number; cursor?: string | undefined },
  ) {
    const where = [eq(searchHistory.customerId, customerId)];
    if (params.cursor) where.push(afterCursor(NEWEST_FIRST, decodeCursor(NEWEST_FIRST, params.cursor)));
    return page(
      NEWEST_FIRST,
      params.limit,
      (limit) =>
        db
          .select()
          .from(searchHistory)
          .where(and(...where))
          .orderBy(...orderByOf(NEWEST_FIRST))
          .limit(limit),
      toEntry,
    );
  }

  return {
    recordSearch,
    listSearchHistory,
    /** Waits for history writes still in flight. */
    async settled(): Promise<void> {
      await Promise.all([...inFlight]);
    },
  };
}
