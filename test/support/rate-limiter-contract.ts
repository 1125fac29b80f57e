/**
 * What every RateLimiter must answer (deps.ts), as tests: run against the in-memory limiter on Bun
 * (test/http/rate-limit.test.ts) and against the Worker's Durable Object limiter in workerd
 * (test/workers/rate-limit-object.test.ts), so both keep one behaviour.
 */
import { expect, test } from "bun:test";
import type { Clock, RateLimiter } from "../../src/deps.ts";
import { TestClock } from "./test-app.ts";

/** Builds a limiter on the given clock; every call gets keys no other call has used. */
export type LimiterFactory = (clock: Clock) => RateLimiter;

let run = 0;

export function rateLimiterContract(make: LimiterFactory) {
  const perMinute = (limit: number) => ({ limit, windowMs: 60_000 });
  /**
   * A limiter on its own clock, which starts at the real time (a Durable Object's clean-up alarm runs on
   * the real clock); `at(ms)` takes one request for `key` that many ms after the start.
   */
  const limiterAt = () => {
    const start = Math.floor(Date.now() / 1000) * 1000;
    const clock = new TestClock(new Date(start));
    const limiter = make(clock);
    const prefix = `contract-${++run}-${start}:`;
    const at = (ms: number, key = "k", limit = 3) => {
      clock.set(new Date(start + ms));
      return limiter.take(prefix + key, perMinute(limit));
    };
    const peek = (key = "k", limit = 3) => limiter.peek(prefix + key, perMinute(limit));
    const reset = (key = "k") => limiter.reset(prefix + key);
    return { at, peek, reset };
  };

  test("allows a burst of the whole budget, then one per interval", async () => {
    const { at } = limiterAt();
    expect([await at(0), await at(0), await at(0)].map((d) => d.remaining)).toEqual([2, 1, 0]);
    const denied = await at(0);
    expect(denied).toEqual({ allowed: false, remaining: 0, retryAfterMs: 20_000, resetMs: 60_000 });
    expect((await at(19_999)).allowed).toBe(false);
    expect(await at(20_000)).toMatchObject({ allowed: true, remaining: 0, retryAfterMs: 0 });
  });

  test("a refused request costs nothing: the budget comes back on time however often one asks", async () => {
    const { at } = limiterAt();
    for (let i = 0; i < 3; i++) await at(0);
    for (let ms = 1_000; ms < 20_000; ms += 1_000) expect((await at(ms)).allowed).toBe(false);
    expect((await at(20_000)).allowed).toBe(true);
  });

  test("says when the whole budget is back, and gives it back after the window", async () => {
    const { at } = limiterAt();
    expect((await at(0)).resetMs).toBe(20_000);
    expect((await at(5_000)).resetMs).toBe(35_000);
    expect(await at(60_000)).toMatchObject({ allowed: true, remaining: 2, resetMs: 20_000 });
  });

  test("keys are counted apart", async () => {
    const { at } = limiterAt();
    for (let i = 0; i < 3; i++) await at(0, "alice");
    expect((await at(0, "alice")).allowed).toBe(false);
    expect(await at(0, "bob")).toMatchObject({ allowed: true, remaining: 2 });
  });

  test("peek answers what take would, counting nothing; reset gives the whole budget back", async () => {
    const { at, peek, reset } = limiterAt();
    for (let i = 0; i < 3; i++) expect((await peek()).allowed).toBe(true);
    await at(0);
    await at(0);
    expect(await peek()).toMatchObject({ allowed: true, remaining: 0 });
    await at(0);
    expect(await peek()).toMatchObject({ allowed: false, retryAfterMs: 20_000 });
    await reset();
    expect(await peek()).toMatchObject({ allowed: true, remaining: 2 });
    expect(await at(0)).toMatchObject({ allowed: true, remaining: 2 });
  });

  test("concurrent takes of one key never allow more than the budget", async () => {
    const { at } = limiterAt();
    const decisions = await Promise.all(Array.from({ length: 20 }, () => at(0, "burst", 5)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(
      decisions
        .filter((d) => d.allowed)
        .map((d) => d.remaining)
        .sort((a, b) => a - b),
    ).toEqual([0, 1, 2, 3, 4]);
  });
}
