/**
 * Prepared statements kept per connection, for the embedded libSQL file (server runtimes only: the Worker
 * talks to its database over HTTP and never loads this).
 *
 * Why: @libsql/client's file driver prepares a statement afresh every time it runs one (`db.prepare(sql)`
 * in each execute and for each statement of a batch). A drop's group commit runs thousands of statements
 * of a dozen kinds, so preparing was about half of the stock batches' time (measured in-process: 5,028
 * prepares at 11.8 µs each in a drop of 500 holds), and a drop of 500 holds took 41% less time with them
 * kept. SQLite statements are made to be prepared once and run many times.
 *
 * How: `libsql`'s `Database.prototype.prepare` is wrapped, once per process, so that each connection
 * keeps its most recently used statements by SQL text (at most MAX_PER_CONNECTION). Reusing one is safe
 * here because
 *  - every user of these connections runs a statement to completion synchronously (@libsql/client's
 *    execute and batch; the test suite's Hrana stand-in), and libsql resets a statement before each run;
 *  - each user sets the modes it needs (raw rows, safe integers) before each run;
 *  - a schema change (CREATE, ALTER, DROP: migrations) through any connection of this process empties
 *    every connection's cache. SQLite would prepare a kept statement again by itself, but libsql would go
 *    on reporting its old column names (a kept `SELECT *` would name a new column "undefined").
 * A SQL text that fails to prepare is not kept: the caller gets the error, as without the cache.
 */
import Database from "libsql";

const MAX_PER_CONNECTION = 512;

type Prepare = (this: object, sql: string) => unknown;

const SCHEMA_CHANGE = /^\s*(CREATE|ALTER|DROP)\b/i;

let installed = false;

export function installStatementCache(): void {
  if (installed) return;
  installed = true;
  const proto = Database.prototype as unknown as { prepare: Prepare };
  const prepare = proto.prepare;
  /** Bumped by every schema change: a connection's cache from an older generation is emptied first. */
  let generation = 0;
  const caches = new WeakMap<object, { generation: number; statements: Map<string, unknown> }>();
  proto.prepare = function cachedPrepare(sql) {
    if (SCHEMA_CHANGE.test(sql)) {
      generation += 1;
      return prepare.call(this, sql);
    }
    let cache = caches.get(this);
    if (!cache || cache.generation !== generation) {
      cache = { generation, statements: new Map() };
      caches.set(this, cache);
    }
    const { statements } = cache;
    const kept = statements.get(sql);
    if (kept !== undefined) {
      // Most recently used last, so the first entry is the one to drop when full.
      statements.delete(sql);
      statements.set(sql, kept);
      return kept;
    }
    const statement = prepare.call(this, sql);
    if (statements.size >= MAX_PER_CONNECTION) statements.delete(statements.keys().next().value as string);
    statements.set(sql, statement);
    return statement;
  };
}
