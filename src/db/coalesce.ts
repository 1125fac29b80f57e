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
 * next turn of the event loop shares one `loadMany` call of at most `maxBatch` distinct keys. Nothing is
 * cached past that call, so a read never sees anything older than a lone read would have.
 * A failed `loadMany` fails the loads it served, and only those.
 */
export function batchedLoader<K, V>(
  loadMany: (keys: K[]) => Promise<Map<K, V>>,
  options: { maxBatch?: number } = {},
): BatchedLoader<K, V> {
  const maxBatch = options.maxBatch ?? 256;
  let pending: Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]> | undefined;

  async function flush(batch: NonNullable<typeof pending>) {
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += maxBatch) {
      const chunk = keys.slice(i, i + maxBatch);
      try {
        const found = await loadMany(chunk);
        for (const key of chunk) for (const w of batch.get(key)!) w.resolve(found.get(key));
      } catch (err) {
        for (const key of chunk) for (const w of batch.get(key)!) w.reject(err);
      }
    }
  }

  return {
    load(key) {
      return new Promise((resolve, reject) => {
        if (!pending) {
          const batch = new Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]>();
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
