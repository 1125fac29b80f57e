/**
 * In-memory sliding-window counters. On one server this is exact; on Workers each isolate counts alone,
 * which still bounds guessing per isolate (a Durable Object limiter can replace it behind this interface).
 */
export interface RateLimiter {
  /** Counts one hit for `key`; says whether it is within `limit` hits per `windowMs`. */
  hit(key: string, limit: number, windowMs: number): { allowed: boolean; retryAfterSeconds: number };
  /** How many hits `key` has in the window, without counting one. */
  count(key: string, windowMs: number): number;
  reset(key: string): void;
}

export function memoryRateLimiter(now: () => number = Date.now, maxKeys = 100_000): RateLimiter {
  const hits = new Map<string, number[]>();
  const recent = (key: string, windowMs: number) => {
    const since = now() - windowMs;
    const list = (hits.get(key) ?? []).filter((t) => t > since);
    if (list.length) hits.set(key, list);
    else hits.delete(key);
    return list;
  };
  return {
    hit(key, limit, windowMs) {
      const list = recent(key, windowMs);
      if (list.length >= limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil((list[0]! + windowMs - now()) / 1000));
        return { allowed: false, retryAfterSeconds };
      }
      if (!hits.has(key) && hits.size >= maxKeys) {
        // Bounded memory under a flood of distinct keys: forget the oldest key.
        const oldest = hits.keys().next().value;
        if (oldest !== undefined) hits.delete(oldest);
      }
      list.push(now());
      hits.set(key, list);
      return { allowed: true, retryAfterSeconds: 0 };
    },
    count(key, windowMs) {
      return recent(key, windowMs).length;
    },
    reset(key) {
      hits.delete(key);
    },
  };
}
