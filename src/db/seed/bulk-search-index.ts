import type { Transaction } from "@libsql/client";

/**
 * Maintenance of the search index for bulk loads (seeding). The triggers of the `fts` migration index each
 * spirit as it is written, which is right for the API but slow for a hundred thousand rows at once; a bulk
 * load instead lifts the triggers, inserts, indexes the new rows in a few big statements and puts the
 * triggers back, all in one transaction, so no other writer can slip a change past the index. It works on
 * the tables the migrations define, below any module: the search module only reads what it leaves.
 */

const DOCUMENT_COLUMNS =
  "spirit_id, status, type, country, region, distillery, brand, age_years, age_bucket, vintage, abv, " +
  "price_minor, currency, price_bucket, release_date, limited, rating, rating_count, created_at";
const TEXT_COLUMNS = "name, distillery, brand, facts, awards, tags, notes, description";

export type SuspendedTriggers = { name: string; sql: string }[];

/**
 * Drops the search triggers (on spirits, and the change log's on search_documents), answering their
 * definitions so they can be put back exactly as they were.
 */
export async function suspendSearchTriggers(tx: Transaction): Promise<SuspendedTriggers> {
  const rs = await tx.execute(
    `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
     AND ((tbl_name = 'spirits' AND name LIKE 'spirits_search_%')
       OR (tbl_name = 'search_documents' AND name LIKE 'search_documents_changes_%'))`,
  );
  const triggers = rs.rows.map((r) => ({ name: String(r.name), sql: String(r.sql) }));
  for (const t of triggers) await tx.execute(`DROP TRIGGER "${t.name.replaceAll('"', '""')}"`);
  return triggers;
}

export async function restoreSearchTriggers(tx: Transaction, triggers: SuspendedTriggers): Promise<void> {
  for (const t of triggers) await tx.execute(t.sql);
}

/**
 * Indexes every spirit the index does not know yet (the rows a bulk load added). `onProgress` hears how
 * many documents of the total are in the full-text index so far.
 */
export async function indexNewSpirits(
  tx: Transaction,
  onProgress?: (done: number, total: number) => void,
  chunk = 20_000,
): Promise<number> {
  const before = Number(
    (await tx.execute("SELECT coalesce(max(doc_id), 0) AS m FROM search_documents")).rows[0]?.m,
  );
  await tx.execute(
    `INSERT INTO search_documents (${DOCUMENT_COLUMNS})
     SELECT ${DOCUMENT_COLUMNS} FROM search_document_source src
     WHERE NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.spirit_id = src.spirit_id)
     ORDER BY created_at, spirit_id`,
  );
  const after = Number(
    (await tx.execute("SELECT coalesce(max(doc_id), 0) AS m FROM search_documents")).rows[0]?.m,
  );
  const total = after - before;
  if (total <= 0) return 0;
  await tx.execute({
    sql: `INSERT OR IGNORE INTO search_terms (facet, value, doc_id)
          SELECT src.facet, src.value, d.doc_id FROM search_term_source src
          JOIN search_documents d ON d.spirit_id = src.spirit_id
          WHERE d.doc_id > ? AND src.value IS NOT NULL`,
    args: [before],
  });
  for (let from = before; from < after; from += chunk) {
    await tx.execute({
      sql: `INSERT INTO spirits_fts (rowid, ${TEXT_COLUMNS})
            SELECT doc_id, ${TEXT_COLUMNS} FROM search_text WHERE doc_id > ? AND doc_id <= ?`,
      args: [from, Math.min(after, from + chunk)],
    });
    onProgress?.(Math.min(after, from + chunk) - before, total);
  }
  // The change log did not see these rows: readers of the index reload it whole.
  await tx.execute(
    "UPDATE search_meta SET value = value + 1 WHERE key IN ('vocabulary_version', 'generation')",
  );
  return total;
}

/** Merges the FTS segments after a bulk load, so the first searches do not pay for many small segments. */
export async function optimiseSearchIndex(tx: Transaction): Promise<void> {
  await tx.execute("INSERT INTO spirits_fts (spirits_fts) VALUES ('optimize')");
}
