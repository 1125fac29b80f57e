import type { Clock, RateLimiter, RatePolicy } from "../deps.ts";
import { gcraDecide } from "./gcra.ts";

/**
 * The in-memory RateLimiter (GCRA, src/http/gcra.ts): exact on one server, per isolate on Workers (where
 * src/runtime/worker-rate-limiter.ts shares the budgets through Durable Objects instead). Memory is one
 * number per active key, whatever its policy, and a key whose budget is whole again is forgotten.
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

  const decide = (key: string, policy: RatePolicy, now: number) => gcraDecide(arrival.get(key), policy, now);

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
