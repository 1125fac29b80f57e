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
 *  - SQLite prepares a statement again by itself after a schema change (migrations).
 * A SQL text that fails to prepare is not kept: the caller gets the error, as without the cache.
 */
import Database from "libsql";

const MAX_PER_CONNECTION = 512;

type Prepare = (this: object, sql: string) => unknown;

let installed = false;

export function installStatementCache(): void {
  if (installed) return;
  installed = true;
  const proto = Database.prototype as unknown as { prepare: Prepare };
  const prepare = proto.prepare;
  const caches = new WeakMap<object, Map<string, unknown>>();
  proto.prepare = function cachedPrepare(sql) {
    let cache = caches.get(this);
    if (!cache) {
      cache = new Map();
      caches.set(this, cache);
    }
    const kept = cache.get(sql);
    if (kept !== undefined) {
      // Most recently used last, so the first entry is the one to drop when full.
      cache.delete(sql);
      cache.set(sql, kept);
      return kept;
    }
    const statement = prepare.call(this, sql);
    if (cache.size >= MAX_PER_CONNECTION) cache.delete(cache.keys().next().value as string);
    cache.set(sql, statement);
    return statement;
  };
}
