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
import type { DecidedBatch } from "./ledger-port.ts";

const MAX_STATEMENTS = 512;

type Statement = ReturnType<InstanceType<typeof Database>["prepare"]>;
/** A prepared statement with what the native module would otherwise be asked again on every run. */
type Kept = { statement: Statement; reader: boolean; columns: string[] };

export type BatchExecutor = {
  batch(statements: InStatement[], mode: "write" | "read"): Promise<ResultSet[]>;
  /** The ledger port's `decide` (src/db/ledger-port.ts): units decided one by one in one transaction. */
  decide(batch: DecidedBatch): Promise<{ refused: (string | null)[]; reads: ResultSet[] }>;
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
  const statements = new Map<string, Kept>();
  const readSchemaVersion = db.prepare("PRAGMA schema_version").raw(true);
  const refreshSchema = db.prepare("SELECT 1 FROM sqlite_schema LIMIT 1");
  let schemaVersion = -1;
  let prepares = 0;

  const prepare = (sql: string): Kept => {
    const kept = statements.get(sql);
    if (kept) {
      statements.delete(sql);
      statements.set(sql, kept);
      return kept;
    }
    const statement = db.prepare(sql);
    // As @libsql/client's "number" int mode: integers read exactly, then as numbers when they fit. Readers
    // answer arrays. Set once here, and the statement's kind and column names kept beside it: each is a call
    // into the native module, and asking them per run was a tenth of a hold's CPU.
    statement.safeIntegers(true);
    const reader = statement.reader;
    if (reader) statement.raw(true);
    const columns = reader
      ? (statement.columns() as { name: string }[]).map((c) => c.name)
      : ([] as string[]);
    const entry = { statement, reader, columns };
    prepares += 1;
    if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
    statements.set(sql, entry);
    return entry;
  };

  const run = (stmt: InStatement): ResultSet => {
    const { sql, args } = typeof stmt === "string" ? { sql: stmt, args: [] as InValue[] } : stmt;
    const { statement, reader, columns } = prepare(sql);
    const bound = ((args ?? []) as InValue[]).map(toSql);
    if (reader) {
      const rows = (statement.all(bound) as unknown[][]).map((values) => asRow(columns, values));
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

  const inTransaction = <T>(mode: "write" | "read", work: () => T): T => {
    db.exec(mode === "write" ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    try {
      checkSchema();
      const result = work();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  };

  /** The first column of a check's first row: a failing guard's reason, or null. */
  const check = (stmt: InStatement): unknown => {
    const { sql, args } = typeof stmt === "string" ? { sql: stmt, args: [] as InValue[] } : stmt;
    const row = prepare(sql).statement.get(((args ?? []) as InValue[]).map(toSql)) as unknown[] | undefined;
    return row?.[0] ?? null;
  };

  return {
    async batch(list, mode) {
      return inTransaction(mode, () => list.map(run));
    },
    async decide({ units, ifAnyWritten, reads }) {
      return inTransaction("write", () => {
        const refused = units.map((unit) => {
          for (const c of unit.checks) {
            const reason = check(c);
            if (reason !== null) return String(reason);
          }
          for (const w of unit.writes) run(w);
          return null;
        });
        if (ifAnyWritten && refused.includes(null)) run(ifAnyWritten);
        return { refused, reads: reads.map(run) };
      });
    },
    rows(sql, args) {
      // batch() runs start to end without yielding, so this connection is never inside one of its
      // transactions here. No schema check: these statements name their columns, so a schema change
      // cannot move a value (SQLite prepares a statement again when the schema changed under it), and the
      // check's PRAGMA read was a read transaction of its own, twice per list (about 4% of its CPU).
      const rows = prepare(sql).statement.all(args.map(toSql)) as unknown[][];
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
  const row = {} as Record<string, unknown>;
  Object.defineProperty(row, "length", { value: values.length });
  for (let i = 0; i < values.length; i++) {
    const value = fromSql(values[i]);
    Object.defineProperty(row, i, { value });
    const name = columns[i]!;
    // A plain assignment makes the same enumerable, writable property as defining it, for less.
    if (!Object.hasOwn(row, name)) row[name] = value;
  }
  return row as Row;
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
