import type { Clock, RateDecision, RateLimiter, RatePolicy } from "../deps.ts";

/**
 * The in-memory RateLimiter: GCRA (the generic cell rate algorithm, a token bucket kept as one number per
 * key). Each key has a "theoretical arrival time" that moves forward by `windowMs / limit` per request, so
 * a key may burst up to `limit` requests and then gets one every `windowMs / limit`. Memory is one number
 * per active key, whatever its policy, and a key whose budget is whole again is forgotten.
 */
export function createMemoryRateLimiter(clock: Clock, maxKeys = 100_000) {
  const arrival = new Map<string, number>();
  let calls = 0;

  /**
   * Drops keys whose budget is whole again, least recently counted first (a Map keeps insertion order and
   * `take` re-inserts), up to the first active one. When room is needed and every key left is active,
   * the least recently counted is forgotten (it gets a whole budget back: the price of bounded memory).
   */
  const sweep = (now: number, makeRoom: boolean) => {
    for (const [key, tat] of arrival) {
      if (makeRoom && arrival.size < maxKeys) return;
      if (tat <= now || makeRoom) arrival.delete(key);
      else return;
    }
  };

  /** What a request for `key` at `now` gets, and the arrival time to keep when it is allowed. */
  const decide = (key: string, { limit, windowMs }: RatePolicy, now: number) => {
    const interval = windowMs / limit;
    const tat = Math.max(arrival.get(key) ?? now, now);
    const next = tat + interval;
    const allowAt = next - windowMs;
    if (now < allowAt) {
      const decision: RateDecision = {
        allowed: false,
        remaining: 0,
        retryAfterMs: allowAt - now,
        resetMs: tat - now,
      };
      return { decision, next: undefined };
    }
    // The small epsilon keeps float rounding of `interval` from costing a whole request.
    const remaining = Math.floor((windowMs - (next - now)) / interval + 1e-9);
    const decision: RateDecision = { allowed: true, remaining, retryAfterMs: 0, resetMs: next - now };
    return { decision, next };
  };

  const limiter: RateLimiter & { readonly size: number } = {
    async take(key, policy) {
      const now = clock.now().getTime();
      if (++calls % 1024 === 0) sweep(now, false);
      const { decision, next } = decide(key, policy, now);
      if (next !== undefined) {
        arrival.delete(key);
        if (arrival.size >= maxKeys) sweep(now, true);
        arrival.set(key, next);
      }
      return decision;
    },
    async peek(key, policy) {
      return decide(key, policy, clock.now().getTime()).decision;
    },
    async reset(key) {
      arrival.delete(key);
    },
    /** Keys held in memory (for tests of the bound). */
    get size() {
      return arrival.size;
    },
  };
  return limiter;
}
