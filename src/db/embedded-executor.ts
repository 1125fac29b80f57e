/**
 * An explicit executor for the stock ledger's hot batches on the embedded libSQL file (server runtimes
 * only; the Worker keeps @libsql/client over HTTP). It owns one `libsql` connection and a map of its own
 * prepared statements, instead of patching how @libsql/client prepares (src/db/statement-cache.ts,
 * which this replaces once wired).
 *
 * Two connections on one file: this one and the client's pool see each other's commits (same file, WAL).
 * A schema change on any connection bumps `PRAGMA schema_version`, which each batch reads inside its own
 * transaction: a changed version empties the map first (libsql would report a kept statement's old columns).
 * A batch is one transaction, rolled back entirely when any statement fails, as `client.batch` does.
 */
import type { InStatement, InValue, ResultSet, Row } from "@libsql/client";
import Database from "libsql";

const MAX_STATEMENTS = 512;

type Statement = ReturnType<InstanceType<typeof Database>["prepare"]>;

export type BatchExecutor = {
  batch(statements: InStatement[], mode: "write" | "read"): Promise<ResultSet[]>;
  /**
   * One read on a kept statement, outside any transaction (a single statement reads one snapshot),
   * answering the rows as arrays of column values in select order. For hot point reads (a spirit by id),
   * where preparing the statement again costs more than running it. `sql` must name its columns (no `*`).
   */
  rows(sql: string, args: InValue[]): unknown[][];
  /** Statements prepared so far (tests count them). */
  readonly prepares: number;
  close(): void;
};

export function openEmbeddedExecutor(
  path: string,
  busyTimeoutMs: number,
  /** The connection's inline checkpoint threshold when another thread checkpoints (default: SQLite's). */
  walAutocheckpointPages?: number,
): BatchExecutor {
  const db = new Database(path, { timeout: busyTimeoutMs });
  // Per-connection settings, as applyServerPragmas gives the client's (WAL is the file's own).
  db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  if (walAutocheckpointPages !== undefined) db.exec(`PRAGMA wal_autocheckpoint = ${walAutocheckpointPages}`);
  const statements = new Map<string, Statement>();
  const readSchemaVersion = db.prepare("PRAGMA schema_version").raw(true);
  const refreshSchema = db.prepare("SELECT 1 FROM sqlite_schema LIMIT 1");
  let schemaVersion = -1;
  let prepares = 0;

  const prepare = (sql: string): Statement => {
    const kept = statements.get(sql);
    if (kept) {
      statements.delete(sql);
      statements.set(sql, kept);
      return kept;
    }
    const statement = db.prepare(sql);
    // As @libsql/client's "number" int mode: integers read exactly, then as numbers when they fit. Readers
    // answer arrays. Set once here: each setting is a call into the native module (a list read made four).
    statement.safeIntegers(true);
    if (statement.reader) statement.raw(true);
    prepares += 1;
    if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
    statements.set(sql, statement);
    return statement;
  };

  const run = (stmt: InStatement): ResultSet => {
    const { sql, args } = typeof stmt === "string" ? { sql: stmt, args: [] as InValue[] } : stmt;
    const statement = prepare(sql);
    const bound = ((args ?? []) as InValue[]).map(toSql);
    if (statement.reader) {
      const columns = (statement.columns() as { name: string; type: string | null }[]).map((c) => c.name);
      const rows = (statement.all(bound) as unknown[][]).map((values) => asRow(columns, values.map(fromSql)));
      return resultSet(columns, rows, 0, undefined);
    }
    const info = statement.run(bound) as { changes: number; lastInsertRowid: number | bigint };
    return resultSet([], [], info.changes, BigInt(info.lastInsertRowid));
  };

  const checkSchema = () => {
    const version = Number((readSchemaVersion.get([]) as unknown[])[0]);
    if (version !== schemaVersion) {
      statements.clear();
      // The connection parses the new schema only when a statement runs into the change; prepare
      // (which names the columns) would otherwise still see the old one.
      refreshSchema.all([]);
      schemaVersion = version;
    }
  };

  return {
    async batch(list, mode) {
      db.exec(mode === "write" ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
      try {
        checkSchema();
        const results = list.map(run);
        db.exec("COMMIT");
        return results;
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    },
    rows(sql, args) {
      // batch() runs start to end without yielding, so this connection is never inside one of its
      // transactions here. No schema check: these statements name their columns, so a schema change
      // cannot move a value (SQLite prepares a statement again when the schema changed under it), and the
      // check's PRAGMA read was a read transaction of its own, twice per list (about 4% of its CPU).
      const rows = prepare(sql).all(args.map(toSql)) as unknown[][];
      // In place: the arrays are fresh from the driver, and a list's 21 rows of 32 values made 21 copies.
      for (const values of rows) {
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (typeof v === "bigint" || v instanceof Uint8Array) values[i] = fromSql(v);
        }
      }
      return rows;
    },
    get prepares() {
      return prepares;
    },
    close: () => db.close(),
  };
}

const toSql = (v: InValue): unknown =>
  typeof v === "boolean" ? (v ? 1 : 0) : v instanceof Date ? v.valueOf() : v === undefined ? null : v;

function fromSql(v: unknown): unknown {
  if (v instanceof Uint8Array) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
  if (typeof v !== "bigint") return v;
  // Exact: a bigint beyond ±(2^53 - 1) converts to a number that is not a safe integer. Compared as
  // numbers, since two BigInt(...) bounds per value were most of converting a list's integers.
  const n = Number(v);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
  }
  return n;
}

function asRow(columns: string[], values: unknown[]): Row {
  // The shape of @libsql/client's rows: indexes and length hidden, column names enumerable.
  const row = {} as Row;
  Object.defineProperty(row, "length", { value: values.length });
  values.forEach((value, i) => {
    Object.defineProperty(row, i, { value });
    const name = columns[i]!;
    if (!Object.hasOwn(row, name)) {
      Object.defineProperty(row, name, { value, enumerable: true, configurable: true, writable: true });
    }
  });
  return row;
}

function resultSet(
  columns: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid?: bigint,
): ResultSet {
  return {
    columns,
    columnTypes: columns.map(() => ""),
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({
      columns,
      rows: rows.map((r) => Array.from(r as ArrayLike<unknown>)),
      rowsAffected,
      lastInsertRowid: lastInsertRowid?.toString(),
    }),
  };
}
