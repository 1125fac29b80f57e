/**
 * The library side of bench/seams-libs.ts: src/db/read-cache.ts rebuilt on lru-cache (its bounded LRU,
 * TTL and per-key fetch coalescing), wrapped for what ours adds: any invalidation discards every load in
 * flight, `keep`, `deleteWhere` over loads in flight, an injected clock. It passes
 * test/db/read-cache.test.ts (swap the import to check).
 */
import { LRUCache } from "lru-cache";
import type { ReadCache, ReadCacheOptions } from "../src/db/read-cache.ts";

type Box<V> = { value: V };

export function readCache<K extends {}, V>(options: ReadCacheOptions<V>): ReadCache<K, V> {
  const now = options.now ?? (() => performance.now());
  let generation = 0;
  /** Keys whose load is in flight: lru-cache's iterators skip them, deleteWhere must not. */
  const loading = new Set<K>();
  const lru: LRUCache<K, Box<V>, () => Promise<V>> = new LRUCache<K, Box<V>, () => Promise<V>>({
    max: options.maxEntries,
    // lru-cache: stale when now - start > ttl, and a start of 0 means "no TTL": shift the clock by one.
    ttl: Math.max(1, options.ttlMs - 1),
    ttlResolution: 0,
    perf: { now: () => now() + 1 },
    // A delete() while the entry loads aborts the fetch: the waiting callers still get the value, the
    // cache does not keep it.
    ignoreFetchAbort: true,
    fetchMethod: async (key, _stale, { context: load }) => {
      const started = generation;
      loading.add(key);
      try {
        const value = await load();
        if (generation !== started || (options.keep && !options.keep(value))) lru.delete(key);
        return { value };
      } finally {
        loading.delete(key);
      }
    },
  });
  return {
    async get(key, load) {
      return ((await lru.fetch(key, { context: load })) as Box<V>).value;
    },
    delete(key) {
      generation++;
      lru.delete(key);
    },
    deleteWhere(match) {
      generation++;
      for (const key of loading) if (match(key, undefined)) lru.delete(key);
      for (const [key, box] of [...lru.entries()]) if (match(key, box.value)) lru.delete(key);
    },
    clear() {
      generation++;
      lru.clear();
    },
    get size() {
      return lru.size;
    },
  };
}
