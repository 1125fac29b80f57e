/**
 * Placing orders has its own budget, stricter than the API's: ORDERS_PER_MINUTE_ACCOUNT and _CLIENT
 * (each order holds bottles until it is paid or lapses). A 429 problem with Retry-After, which is never
 * stored as an Idempotency-Key's answer. Across Worker instances: test/workers/shared-rate-limits.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";
import { openShop, type Shop, TEST_ADDRESS } from "./shop.ts";

describe("orders per account and per client", () => {
  let t: TestApp;
  let shop: Shop;
  /** The same app, with clients told apart by an X-Test-Client header (as the runtime tells them by address). */
  let app: ReturnType<typeof createApp>;
  let spiritId: string;
  const clock = new TestClock();
  let ip = 0;
  const newClient = () => `client-${++ip}`;

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      env: { ORDERS_PER_MINUTE_ACCOUNT: "2", ORDERS_PER_MINUTE_CLIENT: "3" },
    });
    app = createApp(
      { ...t.deps, clientAddress: (req) => req.headers.get("X-Test-Client") ?? undefined },
      t.services,
    );
    shop = await openShop(t);
    spiritId = await shop.spirit();
    await shop.receive(spiritId, 100);
  });
  afterAll(() => t.close());

  const place = (
    who: { headers: Record<string, string> },
    client: string,
    headers: Record<string, string> = {},
  ) =>
    app.request("/api/v1/orders", {
      method: "POST",
      headers: { ...who.headers, ...headers, "Content-Type": "application/json", "X-Test-Client": client },
      body: JSON.stringify({
        items: [{ spiritId, quantity: 1 }],
        shipping: { ...TEST_ADDRESS, country: "GB", region: "GB-SCT" },
      }),
    });

  test("an account over its budget gets a 429 problem with Retry-After, whatever its address", async () => {
    const buyer = await shop.customer();
    expect((await place(buyer, newClient())).status).toBe(201);
    expect((await place(buyer, newClient())).status).toBe(201);
    const res = await place(buyer, newClient());
    expect(res.status).toBe(429);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    // 2 a minute: one order comes back every 30 s.
    expect(res.headers.get("Retry-After")).toBe("30");
    const body = (await res.json()) as { type: string; detail: string };
    expect(body.type).toEndWith("/rate-limited");
    expect(body.detail).toBe(
      "Too many order requests from this account: the limit is 2 a minute. Try again in 30 s.",
    );
    // Nothing was placed: the buyer has the two orders.
    const mine = await t.call("GET", "/api/v1/orders", { headers: buyer.headers });
    expect(((await mine.json()) as { items: unknown[] }).items).toHaveLength(2);
  });

  test("a client address over its budget is refused, whichever accounts it signs in as", async () => {
    const client = newClient();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await place(await shop.customer(), client)).status);
    expect(answers).toEqual([201, 201, 201, 429]);
  });

  test("a refusal keeps nothing under the Idempotency-Key: after the wait, the same key places the order", async () => {
    const buyer = await shop.customer();
    expect((await place(buyer, newClient())).status).toBe(201);
    expect((await place(buyer, newClient())).status).toBe(201);
    const key = { "Idempotency-Key": `order-refused-${Date.now()}` };
    expect((await place(buyer, newClient(), key)).status).toBe(429);
    clock.advance(30_000);
    const later = await place(buyer, newClient(), key);
    expect(later.status).toBe(201);
    expect(later.headers.get("Idempotent-Replayed")).toBeNull();
    // A replay counts like any request (the limit comes first); once allowed, it is the order, not a refusal.
    expect((await place(buyer, newClient(), key)).status).toBe(429);
    clock.advance(30_000);
    const replay = await place(buyer, newClient(), key);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.status).toBe(201);
  });

  test("the document says so on placeOrder", async () => {
    const doc = (await (await t.call("GET", "/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { description: string; responses: Record<string, unknown> }>>;
    };
    const op = doc.paths["/api/v1/orders"]!.post!;
    expect(op.description).toContain("ORDERS_PER_MINUTE_*");
    expect(op.responses["429"]).toBeDefined();
  });
});
