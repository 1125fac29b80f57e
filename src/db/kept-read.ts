/**
 * A row of a table by its key, read on a kept prepared statement when the runtime has one (the embedded
 * file on Bun: src/db/embedded-executor.ts), else through drizzle's prepared query (the Worker's HTTP client).
 *
 * Why: through @libsql/client every read prepares its statement again and asks for its columns, and drizzle
 * builds the SQL again; for a spirit by id that was about nine tenths of the read (README, "Reading a spirit").
 */
import type { Client, InValue } from "@libsql/client";
import { Column, eq, getTableColumns, is, Placeholder, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client.ts";
import { keptRowsFor } from "./ledger-port.ts";

const mappers = new WeakMap<SQLiteTable, (values: unknown[]) => unknown>();

/** Maps rows of a whole-table select (columns in the table's order) as drizzle would; one per table. */
function tableRowMapper<T extends SQLiteTable>(table: T): (values: unknown[]) => T["$inferSelect"] {
  const known = mappers.get(table);
  if (known) return known as (values: unknown[]) => T["$inferSelect"];
  const columns = Object.entries(getTableColumns(table)) as [string, SQLiteColumn][];
  const names = columns.map(([name]) => name);
  // Most columns (plain text, integers, reals) keep the driver's value: only the others are called, which
  // was a fifth of mapping a list's rows (JSON columns parse, booleans compare).
  const converts = columns.map(([, column]) =>
    column.mapFromDriverValue === Column.prototype.mapFromDriverValue ? undefined : column,
  );
  const mapper = (values: unknown[]): T["$inferSelect"] => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const stored = values[i];
      const column = converts[i];
      row[names[i]!] =
        stored === null || stored === undefined ? null : column ? column.mapFromDriverValue(stored) : stored;
    }
    return row as T["$inferSelect"];
  };
  mappers.set(table, mapper);
  return mapper;
}

/**
 * Compiled SQL of whole-table selects by the caller's description of their parameters (`memoKey`): drizzle
 * builds a list's SQL text again on every call (`toSQL`, about a tenth of a list of 20), though the same
 * filters, sort, limit and cursor always give the same text and values. A pure memo, bounded.
 */
const compiled = new Map<string, { sql: string; params: unknown[] }>();
const MAX_COMPILED = 512;

function compiledSql(
  memoKey: string | undefined,
  build: () => { toSQL(): { sql: string; params: unknown[] } },
) {
  if (memoKey === undefined) return build().toSQL();
  const known = compiled.get(memoKey);
  if (known) return known;
  const fresh = build().toSQL();
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(memoKey, fresh);
  return fresh;
}

type SelectQuery<T extends SQLiteTable> = PromiseLike<T["$inferSelect"][]> & {
  toSQL(): { sql: string; params: unknown[] };
};

/**
 * Runs a whole-table select (`db.select().from(table)...`, built by `build`) on a kept statement when there
 * is one: a list's SQL is the same text for the same filters, so its statement is prepared once. Else drizzle
 * runs it. `memoKey`, when given, must name everything the query's SQL and values depend on (and the table);
 * with it, a known query is not even built (drizzle's builder objects were about 8 µs of a list).
 */
export function selectRows<T extends SQLiteTable>(
  client: Client,
  table: T,
  build: () => SelectQuery<T>,
  memoKey?: string,
): Promise<T["$inferSelect"][]> {
  const kept = keptRowsFor(client);
  if (!kept) return Promise.resolve(build());
  const { sql: text, params } = compiledSql(memoKey, build);
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

/**
 * The rows of one hand-written read as arrays of column values in select order: on a kept statement when
 * the runtime has one (the embedded file), else through the client. For reads that run for every new
 * caller (a drop's buyers): through @libsql/client each one prepared its statement and asked for its
 * columns again, which cost more than running it. Name the columns (no `SELECT *`): kept statements are
 * not prepared again when the schema changes.
 */
export async function readRows(client: Client, sql: string, args: InValue[]): Promise<unknown[][]> {
  const kept = keptRowsFor(client);
  if (kept) return kept(sql, args);
  const rs = await client.execute({ sql, args });
  return rs.rows.map((row) => rs.columns.map((_, i) => row[i]));
}
