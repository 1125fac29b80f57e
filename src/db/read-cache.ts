/**
 * A small in-memory read-through cache for rarely-changing rows read on every request (the caller behind
 * a token, a spirit's ordering facts, compliance rules, the locations list).
 *
 * How it stays correct enough to use:
 *  - The owning service drops entries on its own writes (`delete`, `clear`), so within this process a
 *    change is seen by the very next read.
 *  - Every entry also lives at most `ttlMs` (a few seconds) of real time: another process or replica on
 *    the same database, or another service instance in this one (tests build several), sees a change at
 *    most that late. Callers pick a TTL that is acceptable for what
 *    they cache, and never cache anything a stock guarantee depends on (the stock engine's guards read
 *    the database inside the atomic write).
 *  - Concurrent misses of one key share one load (a drop's buyers arriving together read a spirit once).
 *  - A load that started before an invalidation is handed to the callers already waiting on it but never
 *    stored, so nothing read before a write outlives it.
 *  - At most `maxEntries`: the oldest entry goes first when full.
 *  - Lapsed entries leave as new ones come in, not only when the cache is full: a drop's crowd of 20,000
 *    callers filled the token cache to its 10,000 and left them all there, long after their `ttlMs`.
 *
 * Failed loads are not cached. Pure (no runtime API): Bun, Workers and tests share it.
 *
 * Not lru-cache: rebuilt on it (bench/seams-libs-lru-read-cache.ts) it needs as much code around it, is
 * 2-13x slower per operation and adds 6.5 KiB gzipped to the Worker (`npm run bench:seams-libs`).
 */

type Entry<V> = { value: Promise<V>; until: number };

export type ReadCacheOptions<V> = {
  /** How long an entry is trusted, in milliseconds (bounds staleness across processes). */
  ttlMs: number;
  /** Most entries kept at once. */
  maxEntries: number;
  /** Whether a loaded value is kept (e.g. not "not found", so a row created elsewhere is seen at once). */
  keep?: (value: V) => boolean;
  /** Monotonic milliseconds; tests may pass their own. */
  now?: () => number;
  /**
   * Whether a request may wait on a load another request started (`deps.sharedReads`; default true).
   * Workers forbid it: a continuation of another request's I/O that does I/O of its own fails with
   * "Cannot perform I/O on behalf of a different request". Unshared, a miss during a load loads again,
   * and a hit answers a promise made in the caller's own request.
   */
  shareLoads?: boolean;
};

export type ReadCache<K, V> = {
  /** The cached value, or `load()`'s (stored unless invalidated meanwhile). */
  get(key: K, load: () => Promise<V>): Promise<V>;
  /** Forgets one key (after a write of it). */
  delete(key: K): void;
  /** Forgets every key matching (after a write that touches several). */
  deleteWhere(match: (key: K, value: V | undefined) => boolean): void;
  /** Forgets everything (after a write whose reach is unclear). */
  clear(): void;
  readonly size: number;
};

export function readCache<K, V>(options: ReadCacheOptions<V>): ReadCache<K, V> {
  const now = options.now ?? (() => performance.now());
  const entries = new Map<K, Entry<V>>();
  /** Settled values, for deleteWhere's predicate. */
  const settled = new Map<K, V>();
  let generation = 0;

  function forget(key: K) {
    entries.delete(key);
    settled.delete(key);
  }

  /**
   * Every entry lives the same `ttlMs` and is (re)inserted at the end, so the map is in order of lapsing:
   * the lapsed ones are at the front, and stopping at the first live one keeps a miss O(1) amortised.
   * What stays is the callers of the last `ttlMs`, however many came before. (A load still running
   * when its entry lapses still answers its callers, as an entry evicted at capacity does.)
   */
  function dropLapsed() {
    const t = now();
    for (const [key, entry] of entries) {
      if (entry.until > t) return;
      forget(key);
    }
  }

  return {
    get(key, load) {
      const hit = entries.get(key);
      if (hit && hit.until > now()) {
        if (options.shareLoads !== false) return hit.value;
        if (settled.has(key)) return Promise.resolve(settled.get(key) as V);
        return load();
      }
      if (hit) forget(key);
      dropLapsed();
      const started = generation;
      // A promise of its own: a lazy thenable (a drizzle query builder runs its query on every `then`)
      // stored as it is would be run again by each reader, which is no cache at all.
      const value = Promise.resolve(load());
      const entry: Entry<V> = { value, until: now() + options.ttlMs };
      entries.set(key, entry);
      while (entries.size > options.maxEntries) forget(entries.keys().next().value as K);
      value.then(
        (v) => {
          if (entries.get(key) !== entry) return;
          if (generation !== started || (options.keep && !options.keep(v))) return forget(key);
          settled.set(key, v);
        },
        () => {
          if (entries.get(key) === entry) forget(key);
        },
      );
      return value;
    },
    delete(key) {
      generation++;
      forget(key);
    },
    deleteWhere(match) {
      generation++;
      for (const key of [...entries.keys()]) if (match(key, settled.get(key))) forget(key);
    },
    clear() {
      generation++;
      entries.clear();
      settled.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
