/**
 * A row of a table by its key, read on a kept prepared statement when the runtime has one (the embedded
 * file on Bun: src/db/embedded-executor.ts), else through drizzle's prepared query (the Worker's HTTP client).
 *
 * Why: through @libsql/client every read prepares its statement again and asks for its columns, and drizzle
 * builds the SQL again; for a spirit by id that was about nine tenths of the read (README, "Reading a spirit").
 */
import type { Client, InValue } from "@libsql/client";
import { eq, getTableColumns, is, Placeholder, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client.ts";
import { keptRowsFor } from "./ledger-port.ts";

/** Maps rows of a whole-table select (columns in the table's order) as drizzle would. */
function tableRowMapper<T extends SQLiteTable>(table: T) {
  const columns = Object.entries(getTableColumns(table)) as [string, SQLiteColumn][];
  return (values: unknown[]): T["$inferSelect"] => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const [name, column] = columns[i]!;
      const stored = values[i];
      row[name] = stored === null || stored === undefined ? null : column.mapFromDriverValue(stored);
    }
    return row as T["$inferSelect"];
  };
}

/**
 * Runs a whole-table select (`db.select().from(table)...`) on a kept statement when there is one: a list's
 * SQL is the same text for the same filters, so its statement is prepared once. Else drizzle runs it.
 */
export function selectRows<T extends SQLiteTable>(
  client: Client,
  table: T,
  query: PromiseLike<T["$inferSelect"][]> & { toSQL(): { sql: string; params: unknown[] } },
): Promise<T["$inferSelect"][]> {
  const kept = keptRowsFor(client);
  if (!kept) return Promise.resolve(query);
  const { sql: text, params } = query.toSQL();
  return Promise.resolve(kept(text, params as InValue[]).map(tableRowMapper(table)));
}

export function rowByKey<T extends SQLiteTable>(
  db: Database,
  client: Client,
  table: T,
  key: SQLiteColumn,
): (value: string) => Promise<T["$inferSelect"] | undefined> {
  const query = db
    .select()
    .from(table as SQLiteTable)
    .where(eq(key, sql.placeholder("key")))
    .limit(1);
  const kept = keptRowsFor(client);
  if (!kept) {
    const prepared = query.prepare();
    return async (value) => (await prepared.get({ key: value })) as T["$inferSelect"] | undefined;
  }
  const { sql: text, params } = query.toSQL();
  const argsFor = (value: string) => params.map((p) => (is(p, Placeholder) ? value : p)) as InValue[];
  const toRow = tableRowMapper(table);
  return async (value) => {
    const [values] = kept(text, argsFor(value));
    return values && toRow(values);
  };
}

/**
 * Every row of a whole-table select whose only placeholder is `key` (`sql.placeholder("key")`), as a
 * reader built once: a kept statement on the embedded file, else drizzle's prepared query.
 */
export function rowsByKey<T extends SQLiteTable>(
  client: Client,
  table: T,
  query: {
    toSQL(): { sql: string; params: unknown[] };
    prepare(): { all(values: { key: string }): unknown };
  },
): (value: string) => Promise<T["$inferSelect"][]> {
  const kept = keptRowsFor(client);
  if (!kept) {
    const prepared = query.prepare();
    return async (value) => (await prepared.all({ key: value })) as T["$inferSelect"][];
  }
  const { sql: text, params } = query.toSQL();
  const argsFor = (value: string) => params.map((p) => (is(p, Placeholder) ? value : p)) as InValue[];
  const toRow = tableRowMapper(table);
  return async (value) => kept(text, argsFor(value)).map(toRow);
}
