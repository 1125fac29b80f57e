/** The general per-client API rate limit (RATE_LIMIT_PER_MINUTE): 429 problem, Retry-After, RateLimit headers. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { API_PREFIX, createApp } from "../../src/app.ts";
import { createMemoryRateLimiter } from "../../src/http/rate-limit.ts";
import { rateLimiterContract } from "../support/rate-limiter-contract.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";
import { serve } from "./test-routes.ts";

const LIST = `${API_PREFIX}/spirits`;

let t: TestApp;
let clock: TestClock;
/** The same deps, but clients told apart by an X-Test-Client header (as the runtime tells them by address). */
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  clock = new TestClock();
  t = await createTestApp({ clock, env: { RATE_LIMIT_PER_MINUTE: "6" } });
  app = createApp(
    { ...t.deps, clientAddress: (req) => req.headers.get("X-Test-Client") ?? undefined },
    t.services,
  );
});
afterAll(() => t.close());

const get = (client: string, path = LIST) => app.request(path, { headers: { "X-Test-Client": client } });
const remaining = (res: Response) => Number(/;r=(\d+)/.exec(res.headers.get("RateLimit") ?? "")?.[1]);

describe("over the budget", () => {
  test("each answer says what is left; the one over is a 429 problem with Retry-After", async () => {
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await get("alice");
      expect(res.status).toBe(200);
      expect(res.headers.get("RateLimit-Policy")).toBe('"api";q=6;w=60');
      seen.push(remaining(res));
    }
    expect(seen).toEqual([5, 4, 3, 2, 1, 0]);

    const res = await get("alice");
    expect(res.status).toBe(429);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    // One request comes back every 60 / 6 = 10 seconds.
    expect(res.headers.get("Retry-After")).toBe("10");
    expect(res.headers.get("RateLimit")).toBe('"api";r=0;t=60');
    const body = await res.json();
    expect(body.status).toBe(429);
    expect(body.type).toEndWith("/rate-limited");
    expect(body.detail).toContain("6 a minute");
    expect(res.headers.get("X-Request-Id")).toBe(body.requestId);
  });

  test("another client is not slowed by the first", async () => {
    expect((await get("bob")).status).toBe(200);
    expect((await get("alice")).status).toBe(429);
  });

  test("the budget comes back with time, one request per interval", async () => {
    clock.advance(9_000);
    expect((await get("alice")).status).toBe(429);
    clock.advance(1_000);
    const res = await get("alice");
    expect(res.status).toBe(200);
    expect(remaining(res)).toBe(0);
    expect((await get("alice")).status).toBe(429);
    clock.advance(60_000);
    const whole = await get("alice");
    expect(remaining(whole)).toBe(5);
  });

  test("every kind of API request counts, and errors carry the headers too", async () => {
    for (let i = 0; i < 6; i++) await get("carol", `${API_PREFIX}/nothing-here`);
    const res = await get("carol");
    expect(res.status).toBe(429);
  });

  test("health checks and the docs page are not limited", async () => {
    for (let i = 0; i < 10; i++) {
      expect((await get("dave")).status).toBe(i < 6 ? 200 : 429);
    }
    for (const path of ["/healthz", "/readyz", "/docs"]) {
      const res = await get("dave", path);
      expect(res.status).toBe(200);
      expect(res.headers.get("RateLimit")).toBeNull();
    }
  });
});

describe("configuration", () => {
  test("0 turns the limit off (the default in tests)", async () => {
    const open = await createTestApp();
    try {
      expect(open.deps.config.RATE_LIMIT_PER_MINUTE).toBe(0);
      for (let i = 0; i < 700; i++) {
        const res = await open.app.request("/api/v1/nothing");
        if (res.status !== 404) throw new Error(`request ${i} answered ${res.status}`);
      }
      expect((await open.call("GET", LIST)).headers.get("RateLimit")).toBeNull();
    } finally {
      open.close();
    }
  });

  test("on a real server, clients are told apart by their address", async () => {
    const real = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "2" } });
    const deps = {
      ...real.deps,
      clientAddress: (req: Request, env: unknown) =>
        (env as { requestIP(r: Request): { address: string } | null }).requestIP(req)?.address,
    };
    const { server, url } = serve(createApp(deps, real.services));
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(url + LIST)).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      server.stop(true);
      real.close();
    }
  });
});

describe("the in-memory limiter keeps the RateLimiter contract", () => {
  rateLimiterContract((clock) => createMemoryRateLimiter(clock));
});

describe("the in-memory limiter", () => {
  const perMinute = (limit: number) => ({ limit, windowMs: 60_000 });
  /** A limiter on its own clock; `at(ms)` takes one request for `key` at that instant. */
  const limiterAt = (maxKeys?: number) => {
    const clock = new TestClock(new Date(0));
    const limiter = createMemoryRateLimiter(clock, maxKeys);
    const at = (ms: number, key = "k", limit = 3) => {
      clock.set(new Date(ms));
      return limiter.take(key, perMinute(limit));
    };
    return { limiter, at };
  };

  test("keeps memory bounded under many distinct clients", async () => {
    const { limiter, at } = limiterAt(1000);
    for (let i = 0; i < 5000; i++) await at(i, `client-${i}`, 10);
    expect(limiter.size).toBeLessThanOrEqual(1000);
  });

  test("forgets clients whose budget is whole again", async () => {
    const { limiter, at } = limiterAt(1000);
    for (let i = 0; i < 999; i++) await at(0, `old-${i}`, 10);
    // A full map makes room by forgetting the least recently seen clients, never the one just counted.
    for (let i = 0; i < 10; i++) await at(3_600_000, `new-${i}`, 10);
    expect(limiter.size).toBeLessThanOrEqual(1000);
    expect((await at(3_600_000, "new-0", 10)).remaining).toBe(8);
  });
});
