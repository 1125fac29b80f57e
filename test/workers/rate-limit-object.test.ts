/**
 * The Worker's RateLimiter (worker-rate-limiter.ts over RateLimitObject) in real workerd: the same contract
 * tests as the in-memory limiter, driven from here through Miniflare's proxy of the RATE_LIMITS namespace
 * with the very client the Worker uses, plus what only the object does (the clean-up alarm) and what the
 * client adds (remembered refusals, counting alone when unreachable). Through the Worker's HTTP API, with
 * two instances and evictions: shared-rate-limits.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Clock, systemClock } from "../../src/deps.ts";
import { createDurableRateLimiter, type RateLimitObjectRpc } from "../../src/runtime/worker-rate-limiter.ts";
import { rateLimiterContract } from "../support/rate-limiter-contract.ts";
import { selectedTargets } from "../support/targets.ts";
import { createTestApp, silentLogger, type TestApp, TestClock } from "../support/test-app.ts";
import { waitFor } from "../support/wait-for.ts";
import { startWorkerRuntime, type WorkerRuntime } from "../support/worker-runtime.ts";

const onWorker = selectedTargets(["worker"]).length ? describe : describe.skip;

type ObjectRpc = RateLimitObjectRpc & { status(): Promise<{ keys: number; alarmAt: number | null }> };
type Namespace = { idFromName(name: string): unknown; get(id: unknown): ObjectRpc };

onWorker("the Durable Object rate limiter", () => {
  let app: TestApp;
  let worker: WorkerRuntime;
  let namespace: Namespace;
  const objectOf = (key: string) => namespace.get(namespace.idFromName(key));
  const durable = (clock: Clock) => createDurableRateLimiter(objectOf, clock, silentLogger);

  beforeAll(async () => {
    app = await createTestApp();
    worker = await startWorkerRuntime({ databasePath: app.deps.config.DATABASE_URL.slice("file:".length) });
    namespace = (await worker.miniflare.getDurableObjectNamespace("RATE_LIMITS")) as unknown as Namespace;
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    app?.close();
  });

  describe("keeps the RateLimiter contract", () => {
    rateLimiterContract(durable);
  });

  const perMinute = (limit: number) => ({ limit, windowMs: 60_000 });

  test("two limiters (as two isolates) over one namespace count one budget", async () => {
    const key = `shared-${Date.now()}`;
    const [a, b] = [durable(systemClock), durable(systemClock)];
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push((await (i % 2 ? b : a).take(key, perMinute(6))).allowed);
    expect(answers).toEqual([true, true, true, true, true, true, false, false]);
  });

  test("an alarm forgets the keys whose budget is whole again, and then the whole storage", async () => {
    // A budget longer than a minute is stored; 1,000 a two minutes is whole again 120 ms after one take.
    const key = `stored-${Date.now()}`;
    await durable(systemClock).take(key, { limit: 1000, windowMs: 120_000 });
    const before = await objectOf(key).status();
    expect(before.keys).toBe(1);
    expect(before.alarmAt).not.toBeNull();
    // The alarm never comes sooner than a second after the take.
    await waitFor(async () => (await objectOf(key).status()).keys === 0, {
      timeoutMs: 5_000,
      intervalMs: 100,
      what: "the clean-up alarm",
    });
    expect(await objectOf(key).status()).toEqual({ keys: 0, alarmAt: null });
    // The object still works after clearing its storage.
    expect(await durable(systemClock).take(key, perMinute(2))).toMatchObject({ allowed: true, remaining: 1 });
  }, 10_000);

  test("a budget of a minute or less is kept in memory: no storage, no alarm", async () => {
    const key = `memory-${Date.now()}`;
    expect(await durable(systemClock).take(key, perMinute(2))).toMatchObject({ allowed: true, remaining: 1 });
    expect(await durable(systemClock).take(key, perMinute(2))).toMatchObject({ allowed: true, remaining: 0 });
    expect(await durable(systemClock).take(key, perMinute(2))).toMatchObject({ allowed: false });
    expect(await objectOf(key).status()).toEqual({ keys: 0, alarmAt: null });
  });

  test("a refusal is remembered for a second: a flood costs the object one call, with the same answers", async () => {
    let calls = 0;
    const counting = (key: string): RateLimitObjectRpc => {
      const stub = objectOf(key);
      const counted =
        <A extends unknown[], R>(call: (...args: A) => R) =>
        (...args: A) => {
          calls++;
          return call(...args);
        };
      return {
        take: counted((k, policy, now) => stub.take(k, policy, now)),
        peek: counted((k, policy, now) => stub.peek(k, policy, now)),
        reset: counted((k) => stub.reset(k)),
      };
    };
    const clock = new TestClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    const limiter = createDurableRateLimiter(counting, clock, silentLogger);
    const key = `flood-${Date.now()}`;
    for (let i = 0; i < 3; i++) await limiter.take(key, perMinute(3));
    const first = await limiter.take(key, perMinute(3));
    expect(calls).toBe(4);
    clock.advance(400);
    const later = await limiter.take(key, perMinute(3));
    expect(await limiter.peek(key, perMinute(3))).toEqual(later);
    expect(calls).toBe(4);
    expect(later).toEqual({ ...first, retryAfterMs: first.retryAfterMs - 400, resetMs: first.resetMs - 400 });
    // After a second the object is asked again, and its answer is the one remembered.
    clock.advance(600);
    expect(await limiter.take(key, perMinute(3))).toEqual({
      ...first,
      retryAfterMs: first.retryAfterMs - 1000,
      resetMs: first.resetMs - 1000,
    });
    expect(calls).toBe(5);
    // A reset here forgets the refusal at once.
    await limiter.reset(key);
    expect((await limiter.take(key, perMinute(3))).allowed).toBe(true);
  });

  test("when the object cannot be reached, the isolate counts alone and logs it", async () => {
    const broken: RateLimitObjectRpc = {
      take: () => Promise.reject(new Error("Durable Object is overloaded")),
      peek: () => Promise.reject(new Error("Durable Object is overloaded")),
      reset: () => Promise.resolve(),
    };
    const lines: Record<string, unknown>[] = [];
    const limiter = createDurableRateLimiter(() => broken, systemClock, {
      log: (_level, fields) => lines.push(fields),
    });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await limiter.take("k", perMinute(2))).allowed);
    expect(answers).toEqual([true, true, false]);
    expect(lines[0]).toMatchObject({ msg: "rate-limit object unreachable; counting in this isolate" });
  });
});
