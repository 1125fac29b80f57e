/**
 * Which documents a search's words match (FTS5 inside libSQL), as store positions, and which are in stock:
 * the inputs of the in-memory evaluation (evaluate.ts).
 */
import { inStockSql } from "../../stock/queries.ts";
import { buildMatchExpression } from "./fts-query.ts";
import type { parseQuery } from "./query-text.ts";
import type { QueryReport, SearchContext } from "./search.context.ts";

/** A spirit is in stock when some level of it has bottles not held for anyone. */
const IN_STOCK = `SELECT group_concat(d.doc_id) AS ids FROM search_documents d
  WHERE ${inStockSql("d.spirit_id")}`;

export type TextMatch = {
  expression: string;
  rankExpression: string;
  report: QueryReport;
  positions: Int32Array;
};

/** Reads a group_concat() of integers without splitting it into thousands of little strings. */
export function forEachId(list: unknown, each: (id: number) => void) {
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

/** The store positions of the documents the expression matches, in document order. */
async function matchPositions({ deps, store }: SearchContext, expression: string): Promise<Int32Array> {
  const rs = await deps.client.execute({
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

export async function textMatch(
  ctx: SearchContext,
  q: string,
  parsed: ReturnType<typeof parseQuery>,
): Promise<TextMatch | undefined> {
  if (!parsed.groups.length) return undefined;
  const { store, vocabulary } = ctx;
  await vocabulary.ready();
  const base = { text: q, ignored: parsed.ignored };
  const all = buildMatchExpression(parsed.groups, vocabulary, "all", store.size);
  const first = await matchPositions(ctx, all.expression);
  // Like Meilisearch's "last" strategy in spirit: when every word together finds nothing, any word will do.
  if (first.length === 0 && parsed.groups.length > 1) {
    const any = buildMatchExpression(parsed.groups, vocabulary, "any");
    return {
      expression: any.expression,
      rankExpression: any.rankExpression,
      report: { ...base, matchingStrategy: "any", terms: any.terms },
      positions: await matchPositions(ctx, any.expression),
    };
  }
  return {
    expression: all.expression,
    rankExpression: all.rankExpression,
    report: { ...base, matchingStrategy: "all", terms: all.terms },
    positions: first,
  };
}

/** One byte per store position: 1 for a spirit in stock. */
export async function inStockMask({ deps, store }: SearchContext): Promise<Uint8Array> {
  const rs = await deps.client.execute(IN_STOCK);
  const mask = new Uint8Array(store.size);
  forEachId(rs.rows[0]?.ids, (id) => {
    const p = store.positionOf(id);
    if (p >= 0) mask[p] = 1;
  });
  return mask;
}
