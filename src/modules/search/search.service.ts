import type { z } from "@hono/zod-openapi";
import type { InValue } from "@libsql/client";
import { inArray } from "drizzle-orm";
import { type SpiritStatus, spirits } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { ProblemError } from "../../http/problem.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { SpiritSchema } from "../catalog/index.ts";
import { decodeSearchCursor, encodeSearchCursor, fingerprint } from "./cursor.ts";
import { DocumentStore } from "./document-store.ts";
import { type Evaluation, evaluate, type FacetValue, type SearchStats } from "./evaluate.ts";
import { filterSql, IN_STOCK_SQL } from "./filter-sql.ts";
import { buildMatchExpression, type MatchingStrategy, type TermReport } from "./fts-query.ts";
import { type HighlightTerm, highlight, snippet } from "./highlight.ts";
import { type PriceHint, parseQuery, toMinorUnits } from "./query-text.ts";
import type { FacetName, SearchFilters } from "./search-filters.ts";
import { createSearchHistory } from "./search-history.ts";
import { pageOf, type SearchSort, type SortValue, sortKeys, valuesAt } from "./sort.ts";
import { Vocabulary } from "./vocabulary.ts";

type Spirit = z.infer<typeof SpiritSchema>;

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

/**
 * Column weights: name above distillery and brand, above facts (region, country, type, cask), above
 * awards and tags, above tasting notes and description. Written out rather than read from the table's
 * `rank` setting (the same weights, set by the migration), which measured two to three times slower.
 */
const BM25 = "bm25(spirits_fts, 10.0, 5.0, 5.0, 3.0, 2.0, 2.0, 1.0, 1.0)";

type TextMatch = { expression: string; report: QueryReport; mask: Uint8Array };

/**
 * Search over the catalog: SQLite FTS5 (inside libSQL) finds and ranks text matches; the in-memory
 * copy of the index's filter columns (document-store.ts) counts totals and facets and sorts by the
 * other orders; the catalog service supplies the spirits themselves.
 */
export function createSearchService(deps: Deps, catalog: Pick<CatalogService, "listSpirits">) {
  const { client, logger } = deps;
  const store = new DocumentStore(client);
  const vocabulary = new Vocabulary(client, logger);
  const history = createSearchHistory(deps);

  /** Doc ids the expression matches, as a mask over store positions. */
  async function matchMask(expression: string): Promise<{ mask: Uint8Array; count: number }> {
    const rs = await client.execute({
      sql: "SELECT group_concat(rowid) AS ids FROM spirits_fts WHERE spirits_fts MATCH ?",
      args: [expression],
    });
    const mask = new Uint8Array(store.size);
    const ids = rs.rows[0]?.ids;
    let count = 0;
    if (typeof ids === "string" && ids) {
      for (const id of ids.split(",")) {
        const p = store.positionOf(Number(id));
        if (p >= 0) {
          mask[p] = 1;
          count++;
        }
      }
    }
    return { mask, count };
  }

  async function textMatch(q: string, parsed: ReturnType<typeof parseQuery>): Promise<TextMatch | undefined> {
    if (!parsed.groups.length) return undefined;
    await vocabulary.ready();
    const base = { text: q, ignored: parsed.ignored };
    const all = buildMatchExpression(parsed.groups, vocabulary, "all");
    const first = await matchMask(all.expression);
    // Like Meilisearch's "last" strategy in spirit: when every word together finds nothing, any word will do.
    if (first.count === 0 && parsed.groups.length > 1) {
      const any = buildMatchExpression(parsed.groups, vocabulary, "any");
      const second = await matchMask(any.expression);
      return {
        expression: any.expression,
        report: { ...base, matchingStrategy: "any", terms: any.terms },
        mask: second.mask,
      };
    }
    return {
      expression: all.expression,
      report: { ...base, matchingStrategy: "all", terms: all.terms },
      mask: first.mask,
    };
  }

  async function inStockMask(): Promise<Uint8Array> {
    const rs = await client.execute(
      `SELECT group_concat(d.doc_id) AS ids FROM search_documents d WHERE ${IN_STOCK_SQL}`,
    );
    const mask = new Uint8Array(store.size);
    const ids = rs.rows[0]?.ids;
    if (typeof ids === "string" && ids) {
      for (const id of ids.split(",")) {
        const p = store.positionOf(Number(id));
        if (p >= 0) mask[p] = 1;
      }
    }
    return mask;
  }

  /** The currency a bare "under 300" means: the one asked for, the one written, or the catalog's usual one. */
  function dominantCurrency(): string {
    const counts = new Map<number, number>();
    const step = Math.max(1, Math.floor(store.size / 2000));
    for (let p = 0; p < store.size; p += step) {
      if (store.alive[p]) counts.set(store.currency[p]!, (counts.get(store.currency[p]!) ?? 0) + 1);
    }
    const best = [...counts].sort((a, b) => b[1] - a[1])[0];
    return best ? store.currencies.values[best[0]]! : "GBP";
  }

  function applyPriceHint(filters: SearchFilters, hint: PriceHint | undefined): QueryReport["understood"] {
    if (!hint) return undefined;
    const currency = filters.currency ?? hint.currency ?? dominantCurrency();
    if (filters.currency && hint.currency && filters.currency !== hint.currency) return undefined;
    const understood: NonNullable<QueryReport["understood"]> = { currency };
    filters.currency = currency;
    if (hint.min !== undefined && filters.minPrice === undefined) {
      filters.minPrice = understood.minPrice = toMinorUnits(hint.min, currency);
    }
    if (hint.max !== undefined && filters.maxPrice === undefined) {
      filters.maxPrice = understood.maxPrice = toMinorUnits(hint.max, currency);
    }
    return understood;
  }

  /** One page by relevance: bm25 over the filtered matches, in SQL. */
  async function relevancePage(
    expression: string,
    filters: SearchFilters,
    limit: number,
    after?: SortValue[],
  ) {
    const { where, args } = filterSql(filters);
    const cursorArgs: InValue[] = [];
    if (after) {
      where.push(`(${BM25} > ? OR (${BM25} = ? AND d.spirit_id > ?))`);
      cursorArgs.push(after[0]!, after[0]!, after[1]!);
    }
    // CROSS JOIN keeps FTS5 driving the join: probing the index once per filtered row would be far slower.
    const rs = await client.execute({
      sql: `SELECT d.spirit_id AS id, ${BM25} AS rank
            FROM spirits_fts f CROSS JOIN search_documents d ON d.doc_id = f.rowid
            WHERE spirits_fts MATCH ? ${where.map((w) => `AND ${w}`).join(" ")}
            ORDER BY rank, d.spirit_id LIMIT ?`,
      args: [expression, ...args, ...cursorArgs, limit + 1],
    });
    const rows = rs.rows.map((r) => ({ id: String(r.id), rank: Number(r.rank) }));
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  /** Marks what matched in a hit: its name, and a snippet from the text that matched most. */
  function highlightsOf(spirit: Spirit, terms: HighlightTerm[]): SearchHit["highlights"] | undefined {
    const name = highlight(spirit.name, terms);
    const notes = spirit.tastingNotes;
    const text = snippet(
      [
        spirit.description,
        [notes.nose, notes.palate, notes.finish].filter(Boolean).join(" "),
        [spirit.distillery, spirit.brand, spirit.region ?? "", spirit.caskType ?? ""].join(" · "),
        spirit.awards.map((a) => `${a.name} ${a.medal.replace("_", " ")} ${a.year}`).join(" · "),
        spirit.tags.join(" "),
      ],
      terms,
    );
    if (!name && !text) return undefined;
    return { ...(name ? { name } : {}), ...(text ? { snippet: text } : {}) };
  }

  /** The spirits for a page of ids, in that order, through the catalog service. */
  async function spiritsFor(ids: string[], filters: SearchFilters): Promise<Spirit[]> {
    if (!ids.length) return [];
    const found = new Map<string, Spirit>();
    const visible = await catalog.listSpirits({ where: [inArray(spirits.id, ids)], limit: ids.length });
    for (const s of visible.items) found.set(s.id, s);
    if (found.size < ids.length && filters.status?.includes("archived")) {
      const archived = await catalog.listSpirits({
        filters: { status: "archived" },
        where: [inArray(spirits.id, ids)],
        limit: ids.length,
      });
      for (const s of archived.items) found.set(s.id, s);
    }
    // A spirit changed between the search and this read is left out of the page rather than shown wrong.
    return ids.map((id) => found.get(id)).filter((s): s is Spirit => !!s);
  }

  async function search(req: SearchRequest): Promise<SearchResult> {
    await store.refresh();
    const filters: SearchFilters = { ...req.filters };
    // Untrimmed for the parser: a trailing space says the last word is finished (not a prefix).
    const typed = req.q ?? "";
    const q = typed.trim();
    let match: TextMatch | undefined;
    let understood: QueryReport["understood"];
    if (q) {
      const parsed = parseQuery(typed);
      understood = applyPriceHint(filters, parsed.price);
      if (!parsed.groups.length && !understood) {
        throw new ProblemError(422, "The search text has no words to search for.", {
          errors: [{ path: "q", message: "must contain letters or digits" }],
        });
      }
      match = await textMatch(q, parsed);
    }
    const sort: SearchSort =
      req.sort && (req.sort !== "relevance" || match) ? req.sort : match ? "relevance" : "newest";
    const print = fingerprint({ q, filters: req.filters, statuses: req.callerStatuses });

    const evaluation: Evaluation = evaluate(store, {
      filters,
      callerStatuses: req.callerStatuses,
      textMatch: match?.mask ?? null,
      inStock: filters.inStock ? await inStockMask() : null,
      facets: req.facets,
      facetLimit: req.facetLimit,
      collect: sort !== "relevance",
      stats: req.stats ?? req.facets.length > 0,
    });

    let ids: string[];
    let nextValues: SortValue[] | undefined;
    if (sort === "relevance" && match) {
      const after = req.cursor ? decodeSearchCursor(req.cursor, sort, print, 2) : undefined;
      const { rows, more } = await relevancePage(match.expression, filters, req.limit, after);
      ids = rows.map((r) => r.id);
      const last = rows.at(-1);
      nextValues = more && last ? [last.rank, last.id] : undefined;
    } else {
      const keys = sortKeys(store, sort as Exclude<SearchSort, "relevance">);
      const after = req.cursor
        ? decodeSearchCursor(req.cursor, sort, print, keys.columns.length + 1)
        : undefined;
      const { page, more } = pageOf(evaluation.positions, evaluation.total, keys, req.limit, after);
      ids = page.map((p) => store.spiritId[p]!);
      const last = page.at(-1);
      nextValues = more && last !== undefined ? valuesAt(keys, last) : undefined;
    }

    const items = await spiritsFor(ids, filters);
    const terms: HighlightTerm[] = (match?.report.terms ?? []).flatMap((t) => [
      { words: t.term.split(" "), prefix: t.prefix },
      ...t.corrections.map((c) => ({ words: [c], prefix: false })),
    ]);
    const result: SearchResult = {
      items: items.map((s) => {
        const h = terms.length ? highlightsOf(s, terms) : undefined;
        return h ? { ...s, highlights: h } : s;
      }),
      nextCursor: nextValues ? encodeSearchCursor(sort, nextValues, print) : null,
      total: evaluation.total,
      sort,
    };
    if (req.facets.length) result.facets = evaluation.facets;
    if (evaluation.stats) result.stats = evaluation.stats;
    if (match || understood) {
      result.query = {
        ...(match?.report ?? { text: q, matchingStrategy: "all", terms: [], ignored: [] }),
        ...(understood ? { understood } : {}),
      };
    }
    return result;
  }

  return {
    search,
    ...history,
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
