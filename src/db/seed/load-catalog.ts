import type { Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { spirits } from "../schema/catalog.ts";
import {
  indexNewSpirits,
  optimiseSearchIndex,
  restoreSearchTriggers,
  suspendSearchTriggers,
} from "./bulk-search-index.ts";
import { type GeneratorOptions, generateSpirit } from "./spirit-generator.ts";

export type LoadProgress = (phase: "spirits" | "index", done: number, total: number) => void;

export type LoadOptions = GeneratorOptions & {
  count: number;
  /** Index of the first spirit (so a catalog can be grown: 0..999, then 1000..4999). */
  from?: number;
  /** Rows per INSERT statement: 32 columns each, under SQLite's 32,766 bound parameters. */
  rowsPerStatement?: number;
  onProgress?: LoadProgress;
};

export type LoadResult = { generated: number; inserted: number; indexed: number };

/**
 * Generates spirits and writes them in one transaction: big multi-row inserts with the search triggers
 * lifted, then the search index built over the new rows in a few statements. Spirits already there
 * (same seed, same index) are left alone, so loading the same catalog twice adds nothing.
 */
export async function loadGeneratedCatalog(client: Client, options: LoadOptions): Promise<LoadResult> {
  const { count, from = 0, rowsPerStatement = 500, onProgress } = options;
  // drizzle only builds the statements (and so maps JSON and boolean columns exactly as the catalog does).
  const builder = drizzle(client);
  const tx = await client.transaction("write");
  try {
    const triggers = await suspendSearchTriggers(tx);
    let inserted = 0;
    for (let start = from; start < from + count; start += rowsPerStatement) {
      const end = Math.min(from + count, start + rowsPerStatement);
      const rows = [];
      for (let i = start; i < end; i++) rows.push(generateSpirit(options, i));
      const query = builder.insert(spirits).values(rows).onConflictDoNothing().toSQL();
      const rs = await tx.execute({ sql: query.sql, args: query.params as never[] });
      inserted += rs.rowsAffected;
      onProgress?.("spirits", end - from, count);
    }
    const indexed = await indexNewSpirits(tx, (done, total) => onProgress?.("index", done, total));
    await restoreSearchTriggers(tx, triggers);
    if (indexed > 1000) await optimiseSearchIndex(tx);
    await tx.commit();
    return { generated: count, inserted, indexed };
  } catch (err) {
    await tx.rollback().catch(() => {});
    throw err;
  } finally {
    tx.close();
  }
}
