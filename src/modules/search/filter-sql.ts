import type { InValue } from "@libsql/client";
import {
  COLUMN_FACETS,
  type ColumnFacet,
  expandTypes,
  type SearchFilters,
  statusesOf,
  TERM_FACETS,
  type TermFacet,
} from "./search-filters.ts";

/**
 * The same filters as evaluate.ts, as SQL over search_documents `d`, for the pages ranked by relevance
 * (bm25 lives in SQL). Both readings of a filter are checked against each other by the property tests:
 * every item a page shows passes the filters, and the pages add up to the in-memory total.
 */
export function filterSql(f: SearchFilters): { where: string[]; args: InValue[] } {
  const where: string[] = [];
  const args: InValue[] = [];
  const list = (values: readonly InValue[]) => {
    args.push(...values);
    return values.map(() => "?").join(", ");
  };
  const cmp = (expr: string, op: string, value: InValue | undefined) => {
    if (value === undefined) return;
    where.push(`${expr} ${op} ?`);
    args.push(value);
  };
  const term = (kind: string, values: readonly string[]) =>
    `EXISTS (SELECT 1 FROM search_terms t WHERE t.facet = '${kind}' AND t.value IN (${list(values)}) AND t.doc_id = d.doc_id)`;

  for (const facet of Object.keys(COLUMN_FACETS) as ColumnFacet[]) {
    const { column, filter } = COLUMN_FACETS[facet];
    const values = facet === "status" ? statusesOf(f) : ((f[filter] as string[] | undefined) ?? undefined);
    if (!values?.length) continue;
    const expanded = facet === "type" ? expandTypes(values as never) : values;
    where.push(`d.${column} IN (${list(expanded)})`);
  }
  for (const facet of Object.keys(TERM_FACETS) as TermFacet[]) {
    const values = f[TERM_FACETS[facet].filter] as string[] | undefined;
    if (values?.length) where.push(term(TERM_FACETS[facet].term, values));
  }
  for (const tag of f.tags ?? []) where.push(term("tag", [tag]));
  if (f.hasAwards !== undefined) {
    where.push(
      `${f.hasAwards ? "" : "NOT "}EXISTS (SELECT 1 FROM search_terms t WHERE t.facet = 'award' AND t.doc_id = d.doc_id)`,
    );
  }
  cmp("d.age_years", ">=", f.minAge);
  cmp("d.age_years", "<=", f.maxAge);
  cmp("d.vintage", ">=", f.minVintage);
  cmp("d.vintage", "<=", f.maxVintage);
  cmp("d.abv", ">=", f.minAbv);
  cmp("d.abv", "<=", f.maxAbv);
  cmp("d.currency", "=", f.currency);
  cmp("d.price_minor", ">=", f.minPrice);
  cmp("d.price_minor", "<=", f.maxPrice);
  cmp("d.release_date", ">=", f.releasedFrom);
  cmp("d.release_date", "<=", f.releasedTo);
  if (f.limited !== undefined) cmp("d.limited", "=", f.limited ? 1 : 0);
  if (f.inStock) where.push(IN_STOCK_SQL);
  return { where, args };
}

/** A spirit is in stock when some level of it has bottles not held for anyone. */
export const IN_STOCK_SQL =
  "EXISTS (SELECT 1 FROM inventory_levels l WHERE l.spirit_id = d.spirit_id AND l.on_hand > l.reserved)";
