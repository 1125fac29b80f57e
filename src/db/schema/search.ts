import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { customers } from "./accounts.ts";

/**
 * The search module's own data. The search index itself (search_documents, search_terms, the FTS5
 * table spirits_fts, its vocabulary and the triggers that keep them in step with `spirits`) is
 * hand-written SQL in the custom migration `*_fts.sql`, since drizzle cannot describe virtual tables or
 * triggers; the search service reaches it with plain SQL.
 */

/** What a signed-in customer searched for, kept for personalisation. */
export type SearchHistoryFilters = Record<string, string | number | boolean | string[]>;

export const searchHistory = sqliteTable(
  "search_history",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    /** The words typed, as typed (trimmed); empty when only filters were used. */
    query: text("query").notNull(),
    filters: text("filters", { mode: "json" }).$type<SearchHistoryFilters>().notNull(),
    sort: text("sort").notNull(),
    resultCount: integer("result_count").notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("search_history_customer_idx").on(t.customerId, t.at, t.id)],
);

export type SearchHistoryRow = typeof searchHistory.$inferSelect;
