import type { z } from "@hono/zod-openapi";
import type { InValue } from "@libsql/client";
import { inArray } from "drizzle-orm";
import { type SpiritStatus, spirits } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { inStockSql } from "../../stock/queries.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { SpiritSchema } from "../catalog/index.ts";
import { decodeSearchCursor, encodeSearchCursor, fingerprint } from "./cursor.ts";
import { DocumentStore } from "./document-store.ts";
import { type Evaluation, evaluate, type FacetValue, type SearchStats } from "./evaluate.ts";
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

/**
 * Column weights: name above distillery and brand, above facts (region, country, type, cask), above
 * awards and tags, above tasting notes and description. Written out rather than read from the table's
 * `rank` setting (the same weights, set by the migration), which measured two to three times slower.
 */
const BM25 = "bm25(spirits_fts, 10.0, 5.0, 5.0, 3.0, 2.0, 2.0, 1.0, 1.0)";
/** The columns whose matches put a spirit in the first relevance tier. */
const STRONG = "{name distillery brand}";
/** A spirit is in stock when some level of it has bottles not held for anyone. */
const IN_STOCK = `SELECT group_concat(d.doc_id) AS ids FROM search_documents d
  WHERE ${inStockSql("d.spirit_id")}`;

/**
 * Documents a ranking must leave out: a short list (typically the archived ones among the matches), which
 * SQLite turns into a small index, or for many a blob with one byte per doc id (1: may be ranked).
 */
type Restriction = { leftOut: number[] } | { allowed: Uint8Array };

function restrictionSql(only: Restriction): { sql: string; args: InValue[] } {
  if ("allowed" in only) return { sql: "AND substr(?, rowid + 1, 1) = x'01'", args: [only.allowed] };
  if (!only.leftOut.length) return { sql: "", args: [] };
  return { sql: "AND rowid NOT IN (SELECT value FROM json_each(?))", args: [JSON.stringify(only.leftOut)] };
}

/** Reads a group_concat() of integers without splitting it into thousands of little strings. */
function forEachId(list: unknown, each: (id: number) => void) {
  if (typeof list !== "string") return;
  let n = 0;
  let digits = false;
  for (let i = 0; i <= list.length; i++) {
    const c = i < list.length ? list.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits = true;
    } else {
      if (digits) each(n);
      n = 0;
      digits = false;
    }
  }
}

type TextMatch = { expression: string; rankExpression: string; report: QueryReport; positions: Int32Array };

/**
 * Search over the catalog: SQLite FTS5 (inside libSQL) finds and ranks text matches; the in-memory
 * copy of the index's filter columns (document-store.ts) counts totals and facets and sorts by the
 * other orders; the catalog service supplies the spirits themselves.
 */
export type SearchOptions = {
  /** Up to this many documents are left out of a ranking by listing them; more, by a blob mask. */
  maxListed?: number;
};

export function createSearchService(
  deps: Deps,
  catalog: Pick<CatalogService, "listSpirits">,
  options: SearchOptions = {},
) {
  const maxListed = options.maxListed ?? 4000;
  const { client, logger } = deps;
  const store = new DocumentStore(client);
  // Reused by every search for the matching positions; see evaluate()'s `scratch`.
  let scratch = new Int32Array(0);
  const vocabulary = new Vocabulary(client, logger);
  const history = createSearchHistory(deps);

  /** The store positions of the documents the expression matches, in document order. */
  async function matchPositions(expression: string): Promise<Int32Array> {
    const rs = await client.execute({
      sql: "SELECT group_concat(rowid) AS ids FROM spirits_fts WHERE spirits_fts MATCH ?",
      args: [expression],
    });
    const positions: number[] = [];
    forEachId(rs.rows[0]?.ids, (id) => {
      const p = store.positionOf(id);
      if (p >= 0) positions.push(p);
    });
    return Int32Array.from(positions);
  }

  async function textMatch(q: string, parsed: ReturnType<typeof parseQuery>): Promise<TextMatch | undefined> {
    if (!parsed.groups.length) return undefined;
    await vocabulary.ready();
    const base = { text: q, ignored: parsed.ignored };
    const all = buildMatchExpression(parsed.groups, vocabulary, "all", store.size);
    const first = await matchPositions(all.expression);
    // Like Meilisearch's "last" strategy in spirit: when every word together finds nothing, any word will do.
    if (first.length === 0 && parsed.groups.length > 1) {
      const any = buildMatchExpression(parsed.groups, vocabulary, "any");
      return {
        expression: any.expression,
        rankExpression: any.rankExpression,
        report: { ...base, matchingStrategy: "any", terms: any.terms },
        positions: await matchPositions(any.expression),
      };
    }
    return {
      expression: all.expression,
      rankExpression: all.rankExpression,
      report: { ...base, matchingStrategy: "all", terms: all.terms },
      positions: first,
    };
  }

  async function inStockMask(): Promise<Uint8Array> {
    const rs = await client.execute(IN_STOCK);
    const mask = new Uint8Array(store.size);
    forEachId(rs.rows[0]?.ids, (id) => {
      const p = store.positionOf(id);
      if (p >= 0) mask[p] = 1;
    });
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

  /**
   * One page by relevance. Spirits whose name, distillery or brand hold every word come first (the
   * "attribute" rule of Meilisearch), then the rest; within each tier, bm25 over the weighted columns.
   * The filters are not repeated in SQL: the in-memory evaluation says which matching documents did not
   * pass, and those are left out of the ranking (see `restrict`), so bm25 is computed only for documents
   * that passed. The second tier is the plain expression with the first tier's documents left out too
   * (cheaper than FTS5's NOT, which evaluates the expression twice).
   */
  async function relevancePage(
    { expression, rankExpression }: Pick<TextMatch, "expression" | "rankExpression">,
    matched: Int32Array,
    passed: Uint8Array,
    limit: number,
    after?: SortValue[],
  ) {
    const strong = `${STRONG} : (${expression})`;
    // Matching documents the filters turned away.
    const excluded: number[] = [];
    for (const p of matched) {
      const doc = store.docId[p]!;
      if (!passed[doc]) excluded.push(doc);
    }
    const rows: { tier: number; doc: number; score: number }[] = [];
    const rank = async (tier: number, match: string, only: Restriction, from: SortValue[] | undefined) => {
      const where = restrictionSql(only);
      const rs = await client.execute({
        sql: `SELECT rowid AS doc, ${BM25} AS score FROM spirits_fts
              WHERE spirits_fts MATCH ? ${where.sql}
              ${from ? "AND (score > ? OR (score = ? AND rowid > ?))" : ""}
              ORDER BY score, rowid LIMIT ?`,
        args: [
          match,
          ...where.args,
          ...(from ? [from[1]!, from[1]!, from[2]!] : []),
          limit + 1 - rows.length,
        ],
      });
      for (const r of rs.rows) rows.push({ tier, doc: Number(r.doc), score: Number(r.score) });
      return rs.rows.length;
    };
    const startTier = after ? Number(after[0]) : 0;
    let strongDocs: number[] | undefined;
    if (startTier === 0) {
      const only: Restriction = excluded.length <= maxListed ? { leftOut: excluded } : { allowed: passed };
      const got = await rank(0, strong, only, after);
      // Started from the top and got fewer than asked: those are all of the first tier that passed.
      if (!after && got < limit + 1) strongDocs = rows.map((r) => r.doc);
    }
    if (rows.length > limit) return { rows: rows.slice(0, limit), more: true };
    if (!strongDocs) {
      const rs = await client.execute({
        sql: "SELECT group_concat(rowid) AS ids FROM spirits_fts WHERE spirits_fts MATCH ?",
        args: [strong],
      });
      const docs: number[] = [];
      forEachId(rs.rows[0]?.ids, (id) => docs.push(id));
      strongDocs = docs;
    }
    let only: Restriction;
    // The lighter rank expression matches more than the full one: then only the mask says who may rank.
    const lighter = rankExpression !== expression;
    if (!lighter && excluded.length + strongDocs.length <= maxListed)
      only = { leftOut: [...excluded, ...strongDocs] };
    else {
      const allowed = passed.slice();
      for (const doc of strongDocs) allowed[doc] = 0;
      only = { allowed };
    }
    await rank(1, rankExpression, only, startTier === 1 ? after : undefined);
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
    let last = performance.now();
    const mark = (stage: string) => {
      if (!req.timings) return;
      const now = performance.now();
      req.timings[stage] = (req.timings[stage] ?? 0) + (now - last);
      last = now;
    };
    await store.refresh();
    mark("index");
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
        throw new DomainError("validation", "The search text has no words to search for.", {
          errors: [{ path: "q", message: "must contain letters or digits" }],
        });
      }
      match = await textMatch(q, parsed);
      mark("match");
    }
    const sort: SearchSort =
      req.sort && (req.sort !== "relevance" || match) ? req.sort : match ? "relevance" : "newest";
    const print = fingerprint({ q, filters: req.filters, statuses: req.callerStatuses });

    const inStock = filters.inStock ? await inStockMask() : null;
    // No await from here until the positions have been used (the page is sorted or the mask built).
    if (scratch.length < store.size) scratch = new Int32Array(store.size);
    const evaluation: Evaluation = evaluate(store, {
      filters,
      callerStatuses: req.callerStatuses,
      textMatch: match?.positions ?? null,
      inStock,
      facets: req.facets,
      facetLimit: req.facetLimit,
      collect: true,
      scratch,
      stats: req.stats ?? req.facets.length > 0,
    });
    mark("facets");

    let ids: string[];
    let nextValues: SortValue[] | undefined;
    if (sort === "relevance" && match) {
      const after = req.cursor ? decodeSearchCursor(req.cursor, sort, print, 3) : undefined;
      const passed = new Uint8Array(store.docIdLimit);
      for (let i = 0; i < evaluation.total; i++) passed[store.docId[evaluation.positions[i]!]!] = 1;
      const { rows, more } = await relevancePage(match, match.positions, passed, req.limit, after);
      ids = rows.map((r) => store.spiritId[store.positionOf(r.doc)]!);
      const last = rows.at(-1);
      nextValues = more && last ? [last.tier, last.score, last.doc] : undefined;
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

    mark(sort === "relevance" ? "rank" : "sort");
    const items = await spiritsFor(ids, filters);
    mark("fetch");
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
    mark("highlight");
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
