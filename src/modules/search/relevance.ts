/** A page of text matches by relevance: two tiers (strong columns first), bm25 within each (FTS5). */
import type { InValue } from "@libsql/client";
import type { SearchContext } from "./search.context.ts";
import type { SortValue } from "./sort.ts";
import { forEachId, type TextMatch } from "./text-match.ts";

/**
 * Column weights: name above distillery and brand, above facts (region, country, type, cask), above
 * awards and tags, above tasting notes and description. Written out rather than read from the table's
 * `rank` setting (the same weights, set by the migration), which measured two to three times slower.
 */
const BM25 = "bm25(spirits_fts, 10.0, 5.0, 5.0, 3.0, 2.0, 2.0, 1.0, 1.0)";
/** The columns whose matches put a spirit in the first relevance tier. */
const STRONG = "{name distillery brand}";
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

/**
 * One page by relevance. Spirits whose name, distillery or brand hold every word come first (the
 * "attribute" rule of Meilisearch), then the rest; within each tier, bm25 over the weighted columns.
 * The filters are not repeated in SQL: the in-memory evaluation says which matching documents did not
 * pass, and those are left out of the ranking (see `restrict`), so bm25 is computed only for documents
 * that passed. The second tier is the plain expression with the first tier's documents left out too
 * (cheaper than FTS5's NOT, which evaluates the expression twice).
 */
export async function relevancePage(
  { deps, store, maxListed }: SearchContext,
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
    const rs = await deps.client.execute({
      sql: `SELECT rowid AS doc, ${BM25} AS score FROM spirits_fts
            WHERE spirits_fts MATCH ? ${where.sql}
            ${from ? "AND (score > ? OR (score = ? AND rowid > ?))" : ""}
            ORDER BY score, rowid LIMIT ?`,
      args: [match, ...where.args, ...(from ? [from[1]!, from[1]!, from[2]!] : []), limit + 1 - rows.length],
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
    const rs = await deps.client.execute({
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
