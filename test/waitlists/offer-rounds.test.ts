/**
 * A restock offers the head of the line a round at a time: as many entries as the freed bottles cover get
 * their reserved orders, placed together (their holds share stock commits), strictly in line order; the
 * first entry not covered waits, and everyone behind it. Offers last WAITLIST_OFFER_MINUTES.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { WaitlistEntrySchema } from "../../src/modules/waitlists/waitlists.schemas.ts";
import { createPromMetrics } from "../../src/runtime/prom-metrics.ts";
import { stockGroupCommits, TEST_METRICS_TOKEN } from "../metrics/prom-text.ts";
import { openShop, type Shop, TEST_ADDRESS } from "../orders/shop.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

const SHIPPING = { ...TEST_ADDRESS, country: "GB", region: "GB-SCT" };
let app: TestApp;
let shop: Shop;

beforeAll(async () => {
  app = await createTestApp({
    env: { METRICS_TOKEN: TEST_METRICS_TOKEN, WAITLIST_OFFER_MINUTES: "90" },
    deps: { metrics: createPromMetrics() },
  });
  shop = await openShop(app);
});
afterAll(() => app.close());

test("a restock of four offers the first four in line together; a two-bottle entry then waits, and those behind it", async () => {
  const spiritId = await shop.spirit({ status: "available", maxPerCustomer: 4 });
  await shop.receive(spiritId, 1, shop.loc("a"));
  expect((await shop.order(await shop.customer(), [{ spiritId, quantity: 1 }])).status).toBe(201);
  const line = [];
  for (const quantity of [1, 1, 1, 1, 2, 1]) {
    const who = await shop.customer();
    const res = await app.call("POST", `/api/v1/spirits/${spiritId}/waitlist`, {
      headers: who.headers,
      body: { quantity, shipping: SHIPPING },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    line.push(who);
  }
  const before = await stockGroupCommits(app);
  await shop.receive(spiritId, 5, shop.loc("a"));
  await app.services.waitlists.advanceDue();
  // The receive is one commit; the four offers' holds share fewer than four.
  expect((await stockGroupCommits(app)) - before - 1).toBeLessThan(4);
  const entries = [];
  for (const who of line) {
    const res = await app.call("GET", `/api/v1/spirits/${spiritId}/waitlist/me`, { headers: who.headers });
    entries.push(WaitlistEntrySchema.parse(await res.json()));
  }
  const statuses = entries.map((e) => e.state);
  // Each offer holds its order for WAITLIST_OFFER_MINUTES (90 here, 24 hours by default).
  expect(Date.parse(entries[0]!.offerExpiresAt!) - app.deps.clock.now().getTime()).toBe(90 * 60_000);
  // Five bottles: four single entries, then the two-bottle entry is not covered by the one left.
  expect(statuses).toEqual(["offered", "offered", "offered", "offered", "waiting", "waiting"]);
});
