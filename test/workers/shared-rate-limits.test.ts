/**
 * Rate limits that hold across Worker instances: two instances of the Worker bundle (two isolates, each
 * with its own module state) bound to one RATE_LIMITS Durable Object namespace, requests split between
 * them. Each isolate used to count alone (an in-memory limiter per isolate), so every limit here was as
 * many times looser as there were isolates; now a budget is spent once, whichever instance is asked.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { systemClock } from "../../src/deps.ts";
import { createBunPasswords } from "../../src/runtime/bun-passwords.ts";
import { openShop, type Shop, TEST_ADDRESS } from "../orders/shop.ts";
import { selectedTargets } from "../support/targets.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { startWorkerRuntime, TEST_JWT_SECRET, type WorkerRuntime } from "../support/worker-runtime.ts";

const onWorker = selectedTargets(["worker"]).length ? describe : describe.skip;

onWorker("rate limits shared by two Worker instances", () => {
  let app: TestApp;
  let worker: WorkerRuntime;
  let shop: Shop;
  let ip = 0;
  /** A client address no other test used. */
  const newClient = () => `203.0.113.${++ip}`;

  beforeAll(async () => {
    // Fixtures go through a Bun-side app over the same database (in process, no limits); the Worker
    // instances are what the tests ask.
    app = await createTestApp({
      clock: systemClock,
      env: { JWT_SECRET: TEST_JWT_SECRET },
      deps: { passwords: createBunPasswords("pbkdf2-sha256") },
    });
    shop = await openShop(app);
    worker = await startWorkerRuntime({
      databasePath: app.deps.config.DATABASE_URL.slice("file:".length),
      instances: 2,
      vars: { RATE_LIMIT_PER_MINUTE: "6", ORDERS_PER_MINUTE_ACCOUNT: "2", ORDERS_PER_MINUTE_CLIENT: "3" },
    });
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    app?.close();
  });

  const get = (instance: number, client: string, path = "/api/v1/spirits") =>
    worker.fetchVia(instance, path, { headers: { "CF-Connecting-IP": client } });
  const remaining = (res: Response) => Number(/;r=(\d+)/.exec(res.headers.get("RateLimit") ?? "")?.[1]);

  test("the per-client API budget is one budget, whichever instance answers", async () => {
    const client = newClient();
    const seen: [number, number][] = [];
    for (let i = 0; i < 6; i++) {
      const res = await get(i % 2, client);
      seen.push([res.status, remaining(res)]);
    }
    expect(seen).toEqual([
      [200, 5],
      [200, 4],
      [200, 3],
      [200, 2],
      [200, 1],
      [200, 0],
    ]);
    for (const instance of [0, 1]) {
      const res = await get(instance, client);
      expect(res.status).toBe(429);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      expect(res.headers.get("RateLimit-Policy")).toBe('"api";q=6;w=60');
      expect(res.headers.get("RateLimit")).toMatch(/^"api";r=0;t=(59|60)$/);
      // One request comes back every 10 s (a little less has passed since the first).
      expect(Number(res.headers.get("Retry-After"))).toBeWithin(9, 11);
      expect(((await res.json()) as { type: string }).type).toEndWith("/rate-limited");
    }
    // Another client has its own budget.
    expect(remaining(await get(1, newClient()))).toBe(5);
  });

  test("an evicted object still holds a spent sign-in budget (long budgets are stored, not in memory)", async () => {
    const email = `evicted-${Date.now()}@example.test`;
    const login = (instance: number) =>
      worker.fetchVia(instance, "/api/v1/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": newClient() },
        body: JSON.stringify({ email, password: "not the password at all" }),
      });
    for (let i = 0; i < 5; i++) expect((await login(i % 2)).status).toBe(401);
    await worker.miniflare.unsafeEvictDurableObject("angelshare", "RateLimitObject", {
      name: `auth:login:account:${email}`,
    });
    // Past the instances' one-second memory of a refusal, so the object itself is asked.
    await Bun.sleep(1_100);
    expect((await login(1)).status).toBe(429);
  });

  test("failed sign-ins for one e-mail are counted together, from any instance and address", async () => {
    const email = `nobody-${Date.now()}@example.test`;
    const login = (instance: number) =>
      worker.fetchVia(instance, "/api/v1/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": newClient() },
        body: JSON.stringify({ email, password: "not the password at all" }),
      });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(i % 2)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const instance of [1, 0]) {
      const res = await login(instance);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(((await res.json()) as { type: string }).type).toEndWith("/too-many-attempts");
    }
  });

  test("orders per account and per client are counted together across instances", async () => {
    const spiritId = await shop.spirit();
    await shop.receive(spiritId, 50);
    const place = (instance: number, who: { headers: Record<string, string> }, client: string) =>
      worker.fetchVia(instance, "/api/v1/orders", {
        method: "POST",
        headers: { ...who.headers, "Content-Type": "application/json", "CF-Connecting-IP": client },
        body: JSON.stringify({
          items: [{ spiritId, quantity: 1 }],
          shipping: { ...TEST_ADDRESS, country: "GB", region: "GB-SCT" },
        }),
      });
    // Per account (2 a minute), each order from another address.
    const buyer = await shop.customer();
    expect((await place(0, buyer, newClient())).status).toBe(201);
    expect((await place(1, buyer, newClient())).status).toBe(201);
    const over = await place(0, buyer, newClient());
    expect(over.status).toBe(429);
    expect(((await over.json()) as { detail: string }).detail).toContain("this account");
    expect(Number(over.headers.get("Retry-After"))).toBeWithin(29, 31);

    // Per client (3 a minute), each order from another account.
    const client = newClient();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await place(i % 2, await shop.customer(), client)).status);
    expect(answers).toEqual([201, 201, 201, 429]);
  });
});
