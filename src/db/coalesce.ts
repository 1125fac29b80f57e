/**
 * Fewer database round trips when many requests arrive together (a drop's buyers): work asked for within
 * one turn of the event loop is done once for all of them.
 *
 * Pure (no runtime API beyond timers): Bun, Workers and tests share it.
 */
import DataLoader from "dataloader";

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
 * Coalesces single-key reads into multi-key reads with DataLoader: every `load` made before the next turn
 * of the event loop shares ONE `loadMany` call, a key asked twice in it is read once. Nothing is cached
 * past that call, so a read never sees anything older than a lone read would have. A failed `loadMany`
 * fails the loads it served.
 *
 * One call, never chunks (DataLoader's default): the caller who started the turn waits on the same read
 * as everyone else, so the read never outlives the request that started it. `loadMany` must therefore
 * take any number of keys (e.g. `IN (SELECT value FROM json_each(?))`).
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
  const loader: DataLoader<K, V | undefined> = new DataLoader(
    async (keys) => {
      // DataLoader's per-key cache only joins loads into this call: a load after it reads again.
      loader.clearAll();
      const found = await loadMany([...keys]);
      return keys.map((key) => found.get(key));
    },
    // A whole macrotask turn, not DataLoader's microtask tick: requests that arrive together each take a
    // few awaits (middleware, token) before they ask, and should still share the read.
    { batchScheduleFn: (dispatch) => void nextTurn().then(dispatch) },
  );
  return { load: (key) => loader.load(key) };
}
