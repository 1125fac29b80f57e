/**
 * A search from its request to its page: the words matched (text-match.ts), the in-memory evaluation of
 * filters, facets and stats (evaluate.ts), a page by relevance (relevance.ts) or by another sort (sort.ts),
 * the spirits themselves from the catalog, and highlights.
 */
import { inArray } from "drizzle-orm";
import { spirits } from "../../db/schema/catalog.ts";
import { DomainError } from "../../domain-error.ts";
import { decodeSearchCursor, encodeSearchCursor, fingerprint } from "./cursor.ts";
import { type Evaluation, evaluate } from "./evaluate.ts";
import { type HighlightTerm, highlight, snippet } from "./highlight.ts";
import { applyPriceHint } from "./price-hints.ts";
import { parseQuery } from "./query-text.ts";
import { relevancePage } from "./relevance.ts";
import type {
  QueryReport,
  SearchContext,
  SearchHit,
  SearchRequest,
  SearchResult,
  Spirit,
} from "./search.context.ts";
import type { SearchFilters } from "./search-filters.ts";
import { pageOf, type SearchSort, type SortValue, sortKeys, valuesAt } from "./sort.ts";
import { inStockMask, type TextMatch, textMatch } from "./text-match.ts";

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
async function spiritsFor(
  { catalog }: SearchContext,
  ids: string[],
  filters: SearchFilters,
): Promise<Spirit[]> {
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

/** One search: match, evaluate (filters, facets, stats), sort or rank a page, fetch and highlight it. */
export async function search(ctx: SearchContext, req: SearchRequest): Promise<SearchResult> {
  const { store } = ctx;
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
    understood = applyPriceHint(store, filters, parsed.price);
    if (!parsed.groups.length && !understood) {
      throw new DomainError("validation", "The search text has no words to search for.", {
        errors: [{ path: "q", message: "must contain letters or digits" }],
      });
    }
    match = await textMatch(ctx, q, parsed);
    mark("match");
  }
  const sort: SearchSort =
    req.sort && (req.sort !== "relevance" || match) ? req.sort : match ? "relevance" : "newest";
  const print = fingerprint({ q, filters: req.filters, statuses: req.callerStatuses });

  const inStock = filters.inStock ? await inStockMask(ctx) : null;
  // No await from here until the positions have been used (the page is sorted or the mask built).
  if (ctx.scratch.positions.length < store.size) ctx.scratch.positions = new Int32Array(store.size);
  const evaluation: Evaluation = evaluate(store, {
    filters,
    callerStatuses: req.callerStatuses,
    textMatch: match?.positions ?? null,
    inStock,
    facets: req.facets,
    facetLimit: req.facetLimit,
    collect: true,
    scratch: ctx.scratch.positions,
    stats: req.stats ?? req.facets.length > 0,
  });
  mark("facets");

  let ids: string[];
  let nextValues: SortValue[] | undefined;
  if (sort === "relevance" && match) {
    const after = req.cursor ? decodeSearchCursor(req.cursor, sort, print, 3) : undefined;
    const passed = new Uint8Array(store.docIdLimit);
    for (let i = 0; i < evaluation.total; i++) passed[store.docId[evaluation.positions[i]!]!] = 1;
    const { rows, more } = await relevancePage(ctx, match, match.positions, passed, req.limit, after);
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
  const items = await spiritsFor(ctx, ids, filters);
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
