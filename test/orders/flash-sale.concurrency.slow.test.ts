/**
 * Concurrency over real HTTP (Bun.serve on port 0): a drop of 100 bottles and 2,000 buyers at once, and one
 * customer racing against their own limit. Heavy: run it by hand under
 * `flock /tmp/angelshare-heavy.lock bun test test/orders/flash-sale.concurrency.slow.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { type Caller, openShop, type Shop, TEST_ADDRESS } from "./shop.ts";

let t: TestApp;
let shop: Shop;
let server: ReturnType<typeof Bun.serve>;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  shop = await openShop(t);
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: t.app.fetch });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  server.stop(true);
  await t.deps.stock.close();
  t.close();
});

function buy(who: Caller, spiritId: string, quantity = 1) {
  return fetch(`${base}/api/v1/orders`, {
    method: "POST",
    headers: { ...who.headers, "Content-Type": "application/json" },
    body: JSON.stringify({
      items: [{ spiritId, quantity }],
      shipping: { ...TEST_ADDRESS, country: "GB", region: "GB-ENG" },
    }),
  });
}

describe("flash sale over real HTTP", () => {
  test("2,000 concurrent buyers for 100 bottles: exactly 100 held, every other answer a sold-out problem, audit clean", async () => {
    const s = await shop.spirit({ name: "Drop 2026" });
    await shop.receive(s, 60, shop.loc("edinburgh"));
    await shop.receive(s, 40, shop.loc("london"));
    const buyers: Caller[] = [];
    for (let i = 0; i < 2000; i++) buyers.push(await shop.customer());

    const responses = await Promise.all(buyers.map((b) => buy(b, s)));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    const statuses = responses.map((r) => r.status);
    const held = statuses.filter((x) => x === 201).length;
    expect(held).toBe(100);
    const refusals = responses.filter((r) => r.status !== 201);
    expect(refusals).toHaveLength(1900);
    for (const [i, r] of responses.entries()) {
      if (r.status === 201) {
        expect(bodies[i].status).toBe("reserved");
        continue;
      }
      expect(r.status).toBe(409);
      expect(r.headers.get("Content-Type")).toBe("application/problem+json");
      expect(bodies[i].type).toEndWith("/sold-out");
      expect(bodies[i]).toMatchObject({ spiritId: s, available: 0 });
    }
    const inventory = await shop.inventory(s);
    expect(inventory.available).toBe(0);
    expect(inventory.levels!.reduce((n, l) => n + l.reserved, 0)).toBe(100);
    const audit = await shop.audit();
    expect(audit.clean).toBe(true);
    expect(audit.discrepancies).toEqual([]);
  }, 120_000);

  test("one customer racing 300 requests against a limit of 5: exactly 5 get through", async () => {
    const s = await shop.spirit({ maxPerCustomer: 5 });
    await shop.receive(s, 1000);
    const c = await shop.customer();
    const responses = await Promise.all(Array.from({ length: 300 }, () => buy(c, s)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((x) => x === 201)).toHaveLength(5);
    expect(statuses.filter((x) => x === 422)).toHaveLength(295);
    const problem = await responses.find((r) => r.status === 422)!.json();
    expect(problem.type).toEndWith("/per-customer-limit");
    expect((await shop.inventory(s)).available).toBe(995);
    expect((await shop.audit()).clean).toBe(true);
  }, 60_000);
});
