import type { Client } from "@libsql/client";

export type ReferenceCounts = Record<string, number>;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Counts the rows that point at one row of `table`, in every table with a foreign key to it. The tables
 * are found in the schema itself (sqlite_master + pragma_foreign_key_list), so a module that adds a table
 * referring to spirits later (stock levels, order lines, reviews) is counted with no change here.
 */
export async function countReferences(client: Client, table: string, id: string): Promise<ReferenceCounts> {
  const fks = await client.execute({
    sql: `SELECT m.name AS tbl, f."from" AS col
          FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
          WHERE m.type = 'table' AND lower(f."table") = lower(?)
          ORDER BY m.name, f."from"`,
    args: [table],
  });
  const refs = fks.rows.map((r) => ({ table: String(r.tbl), column: String(r.col) }));
  if (refs.length === 0) return {};
  // One statement for all of them, so the counts come from one consistent read.
  const selects = refs.map(
    (r, i) => `(SELECT count(*) FROM ${quoteIdent(r.table)} WHERE ${quoteIdent(r.column)} = ?) AS c${i}`,
  );
  const rs = await client.execute({ sql: `SELECT ${selects.join(", ")}`, args: refs.map(() => id) });
  const row = rs.rows[0];
  const counts: ReferenceCounts = {};
  refs.forEach((r, i) => {
    const n = Number(row?.[`c${i}`] ?? 0);
    if (n > 0) counts[r.table] = (counts[r.table] ?? 0) + n;
  });
  return counts;
}

export const totalReferences = (counts: ReferenceCounts) =>
  Object.values(counts).reduce((sum, n) => sum + n, 0);

/** "2 batches and 1 wishlist item", from table names. */
export function describeReferences(counts: ReferenceCounts): string {
  const parts = Object.entries(counts).map(([table, n]) => {
    const words = table.replaceAll("_", " ");
    const singular = words.endsWith("ies")
      ? `${words.slice(0, -3)}y`
      : words.endsWith("ches") || words.endsWith("shes") || words.endsWith("sses")
        ? words.slice(0, -2)
        : words.endsWith("s")
          ? words.slice(0, -1)
          : words;
    return `${n} ${n === 1 ? singular : words}`;
  });
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
