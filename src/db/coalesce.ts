/**
 * Fewer database round trips when many requests arrive together (a drop's buyers): work asked for within
 * one turn of the event loop is done once for all of them.
 *
 * Pure (no runtime API beyond timers): Bun, Workers and tests share it.
 */

/** One macrotask turn (setImmediate where there is one, as on Bun and Node; a zero timeout elsewhere). */
export const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    const g = globalThis as { setImmediate?: (f: () => void) => unknown };
    if (g.setImmediate) g.setImmediate(resolve);
    else setTimeout(resolve, 0);
  });

export type BatchedLoader<K, V> = {
  /** The value for the key (undefined when `loadMany` found none), read together with its neighbours. */
  load(key: K): Promise<V | undefined>;
};

/**
 * Coalesces single-key reads into multi-key reads (the DataLoader pattern): every `load` made before the
 * next turn of the event loop shares ONE `loadMany` call. Nothing is cached past that call, so a read
 * never sees anything older than a lone read would have. A failed `loadMany` fails the loads it served.
 *
 * One call, never chunks: the caller who started the turn waits on the same read as everyone else, so
 * the read never outlives the request that started it. `loadMany` must therefore take any number of keys
 * (e.g. `IN (SELECT value FROM json_each(?))`).
 *
 * `shared: false` turns coalescing off (each load reads alone): for runtimes where one request must not
 * wait on I/O another request started (Workers, see `Deps.sharedReads`).
 */
export function batchedLoader<K, V>(
  loadMany: (keys: K[]) => Promise<Map<K, V>>,
  options: { shared: boolean },
): BatchedLoader<K, V> {
  // Where requests may not wait on each other's I/O (Workers), each load reads alone.
  if (!options.shared) return { load: async (key) => (await loadMany([key])).get(key) };
  type Waiter = { resolve: (v: V | undefined) => void; reject: (e: unknown) => void };
  let pending: Map<K, Waiter[]> | undefined;

  async function flush(batch: Map<K, Waiter[]>) {
    try {
      const found = await loadMany([...batch.keys()]);
      for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.get(key));
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    }
  }

  return {
    load(key) {
      return new Promise((resolve, reject) => {
        if (!pending) {
          const batch = new Map<K, Waiter[]>();
          pending = batch;
          void nextTurn().then(() => {
            pending = undefined;
            return flush(batch);
          });
        }
        const waiters = pending.get(key);
        if (waiters) waiters.push({ resolve, reject });
        else pending.set(key, [{ resolve, reject }]);
      });
    },
  };
}
