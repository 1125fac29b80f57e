import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp, type TestClock } from "../support/test-app.ts";
import { waitFor } from "../support/wait-for.ts";
import { CATALOG, openRecommendationShop } from "./fixtures.ts";

let t: TestApp;
let s: Awaited<ReturnType<typeof openRecommendationShop>>;

beforeAll(async () => {
  t = await createTestApp();
  s = await openRecommendationShop(t);
  // A crowd whose purchases link Smoky One with Sherry Bomb (an unlikely pair only behaviour reveals).
  for (let k = 0; k < 3; k++) {
    const c = await s.shop.customer();
    await s.buy(c, "smoky1", "sherry1");
  }
  const ginFan = await s.shop.customer();
  await s.buy(ginFan, "gin1", "gin2");
  await s.drain();
});
afterAll(() => t.close());

describe("who sees what", () => {
  test("needs a signed-in caller; customers see only their own; staff may ask for anyone", async () => {
    expect((await t.call("GET", "/api/v1/recommendations")).status).toBe(401);
    const a = await s.shop.customer();
    const b = await s.shop.customer();
    const peek = await t.call("GET", `/api/v1/recommendations?customerId=${b.id}`, { headers: a.headers });
    expect(peek.status).toBe(403);
    const staffView = await s.recs(s.shop.staff, `?customerId=${b.id}`);
    expect(staffView.customerId).toBe(b.id);
    const nobody = await t.call("GET", "/api/v1/recommendations?customerId=cus_nobody", {
      headers: s.shop.staff.headers,
    });
    expect(nobody.status).toBe(404);
  });

  test("bad queries are 422s", async () => {
    const a = await s.shop.customer();
    for (const q of [
      "?limit=0",
      "?limit=51",
      "?minPrice=100",
      "?type=absinthe",
      "?currency=GBP&minPrice=9&maxPrice=1",
    ]) {
      const res = await t.call("GET", `/api/v1/recommendations${q}`, { headers: a.headers });
      expect(res.status).toBe(422);
    }
  });
});

describe("cold start and content", () => {
  test("a newcomer with no taste on record gets popular spirits, then a personal list once computed", async () => {
    const a = await s.shop.customer();
    const first = await s.recs(a);
    expect(first.refreshPending).toBe(true);
    expect(first.strategy).toBe("popularity");
    expect(first.items[0]?.reasonCode).toBe("popular");
    expect(first.names.slice(0, 2).sort()).toEqual(["Sherry Bomb", "Smoky One"]);
    await s.drain();
    const second = await s.recs(a);
    expect(second.refreshPending).toBe(false);
    expect(second.strategy).toBe("popularity");
    expect(second.computedAt).toBe(t.clock.now().toISOString());
  });

  test("declared preferences drive a content list that says why", async () => {
    const a = await s.shop.customer();
    await s.setCustomer(a.id, { preferences: { flavourProfile: { smoky: 4, medicinal: 3 } } });
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "preferences")]);
    await s.drain();
    const list = await s.recs(a, "?limit=5");
    expect(list.strategy).toBe("content");
    expect(list.contentWeight).toBe(1);
    expect(list.names.slice(0, 3).sort()).toEqual(["Smoky One", "Smoky Three", "Smoky Two"]);
    expect(list.items[0]?.reason).toMatch(
      /^matches your (smoky|medicinal)( and (smoky|medicinal))? profile$/,
    );
  });
});

describe("rules that always hold", () => {
  test("never what the customer bought; collaborative reasons name what they bought", async () => {
    const a = await s.shop.customer();
    await s.buy(a, "smoky1");
    await s.drain();
    const list = await s.recs(a, "?limit=10");
    expect(list.names).not.toContain("Smoky One");
    expect(list.strategy).toBe("hybrid");
    expect(list.contentWeight).toBeLessThan(1);
    const sherry = list.items.find((i) => i.spirit.id === s.ids.sherry1);
    expect(sherry?.reason).toBe("popular with people who bought Smoky One");
    expect(sherry?.reasonCode).toBe("co_purchased");
    expect(sherry?.relatedSpiritId).toBe(s.ids.smoky1);
    // A purchase made after the list was computed is excluded at once, before any recomputation.
    await s.buy(a, "sherry1");
    expect((await s.recs(a)).names).not.toContain("Sherry Bomb");
  });

  test("a bought spirit comes back when a newer batch arrives", async () => {
    const a = await s.shop.customer();
    await s.buy(a, "bourbon");
    await s.drain();
    expect((await s.recs(a, "?limit=20")).names).not.toContain("Corn Sweet");
    (t.clock as TestClock).advance(86_400_000);
    await s.shop.batch(s.ids.bourbon, "2026-B");
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "new batch")]);
    await s.drain();
    const back = (await s.recs(a, "?limit=20")).items.find((i) => i.spirit.id === s.ids.bourbon);
    expect(back?.reasonCode).toBe("new_batch");
    expect(back?.reason).toBe("a new batch of Corn Sweet, which you bought before");
  });

  test("never a tag the customer avoids, even when the preference changed after computing", async () => {
    const a = await s.shop.customer();
    await s.setCustomer(a.id, { preferences: { flavourProfile: { smoky: 4 } } });
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "test")]);
    await s.drain();
    expect((await s.recs(a)).names).toContain("Smoky Two");
    await s.setCustomer(a.id, { preferences: { flavourProfile: { smoky: 4 }, avoidTags: ["peated"] } });
    const now = await s.recs(a, "?limit=20");
    expect(now.items.some((i) => i.spirit.tags.includes("peated"))).toBe(false);
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "test")]);
    await s.drain();
    const recomputed = await s.recs(a, "?limit=20");
    expect(recomputed.items.some((i) => i.spirit.tags.includes("peated"))).toBe(false);
    expect(recomputed.items.length).toBe(Object.keys(CATALOG).length - 3);
  });

  test("never an archived spirit", async () => {
    const extra = await s.shop.spirit({
      name: "Smoky Four",
      type: "scotch",
      flavourProfile: { smoky: 4, medicinal: 4 },
      tags: ["islay"],
    });
    const a = await s.shop.customer();
    await s.setCustomer(a.id, { preferences: { flavourProfile: { smoky: 4, medicinal: 4 } } });
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "test")]);
    await s.drain();
    expect((await s.recs(a, "?limit=20")).items.map((i) => i.spirit.id)).toContain(extra);
    const archived = await t.call("PATCH", `/api/v1/spirits/${extra}`, {
      headers: s.shop.staff.headers,
      body: { status: "archived" },
    });
    expect(archived.status).toBe(200);
    expect((await s.recs(a, "?limit=20")).items.map((i) => i.spirit.id)).not.toContain(extra);
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "test")]);
    await s.drain();
    expect((await s.recs(a, "?limit=20")).items.map((i) => i.spirit.id)).not.toContain(extra);
  });

  test("nothing at all for a customer who may not legally buy spirits", async () => {
    const minor = await s.shop.customer({ dateOfBirth: "2014-02-01", country: "GB", region: "GB-SCT" });
    await t.deps.db.batch([t.services.recommendations.enqueue(minor.id, "test")]);
    await s.drain();
    const list = await s.recs(minor);
    expect(list.items).toEqual([]);
    expect(list.strategy).toBe("none");
    expect(list.notice).toContain("legal age");
    // Contextual lists too.
    expect((await s.recs(minor, `?context=${s.ids.smoky1}`)).items).toEqual([]);
  });

  test("filters are exact: type and price", async () => {
    const a = await s.shop.customer();
    await s.buy(a, "smoky1");
    await s.drain();
    const gins = await s.recs(a, "?type=gin&limit=20");
    expect(gins.items.length).toBeGreaterThan(0);
    expect(gins.items.every((i) => i.spirit.type === "gin")).toBe(true);
    const whisky = await s.recs(a, "?type=whisky&limit=20");
    expect(whisky.items.every((i) => ["scotch", "bourbon"].includes(i.spirit.type))).toBe(true);
    const cheap = await s.recs(a, "?currency=GBP&maxPrice=4000&limit=20");
    expect(cheap.items.length).toBeGreaterThan(0);
    expect(cheap.items.every((i) => i.spirit.price.amountMinor <= 4000)).toBe(true);
    const euro = await s.recs(a, "?currency=EUR&minPrice=1");
    expect(euro.items).toEqual([]);
  });

  test("in-stock spirits come before sold-out ones of the same appeal", async () => {
    const a = await s.shop.customer();
    await s.setCustomer(a.id, { preferences: { flavourProfile: { floral: 4, herbal: 4, citrus: 4 } } });
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "test")]);
    await s.drain();
    const before = await s.recs(a);
    expect(before.items.every((i) => i.inStock)).toBe(true);
    const top = before.items[0]!.spirit.id;
    await t.call("PATCH", `/api/v1/spirits/${top}`, {
      headers: s.shop.staff.headers,
      body: { status: "sold_out" },
    });
    const after = await s.recs(a);
    const soldOut = after.items.find((i) => i.spirit.id === top)!;
    expect(soldOut.inStock).toBe(false);
    expect(after.items[0]!.spirit.id).not.toBe(top);
    await t.call("PATCH", `/api/v1/spirits/${top}`, {
      headers: s.shop.staff.headers,
      body: { status: "available" },
    });
  });
  test("a spirit on sale with no bottles left is not in stock (the stock tables say, not its status)", async () => {
    const a = await s.shop.customer();
    await s.setCustomer(a.id, { preferences: { flavourProfile: { floral: 4, herbal: 4, citrus: 4 } } });
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "test")]);
    await s.drain();
    const top = (await s.recs(a)).items[0]!.spirit.id;
    const inventory = await s.shop.inventory(top);
    for (const level of inventory.levels!) {
      const res = await s.shop.change(top, {
        type: "count",
        locationId: level.locationId,
        ...(level.batchId ? { batchId: level.batchId } : {}),
        counted: level.reserved,
      });
      expect(res.status, await res.text()).toBe(200);
    }
    const after = (await s.recs(a)).items.find((i) => i.spirit.id === top)!;
    expect([after.spirit.status, after.inStock]).toEqual(["available", false]);
  });
});

describe("more like this", () => {
  test("similar spirits, never the spirit itself nor what was bought, each saying why", async () => {
    const a = await s.shop.customer();
    await s.buy(a, "smoky2");
    await s.drain();
    const list = await s.recs(a, `?context=${s.ids.smoky1}&limit=3`);
    expect(list.context).toBe(s.ids.smoky1);
    expect(list.names).not.toContain("Smoky One");
    expect(list.names).not.toContain("Smoky Two");
    expect(list.names[0]).toBe("Smoky Three");
    expect(list.items[0]?.reason).toMatch(/^more like Smoky One/);
    expect(
      list.items.every((i) => i.reasonCode === "more_like_this" && i.relatedSpiritId === s.ids.smoky1),
    ).toBe(true);
    const missing = await t.call("GET", "/api/v1/recommendations?context=spr_nope", { headers: a.headers });
    expect(missing.status).toBe(404);
  });
});

describe("freshness", () => {
  test("recording a signal never computes: the cached list stays until the background job runs", async () => {
    const a = await s.shop.customer();
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "test")]);
    await s.drain();
    const before = await s.recs(a);
    (t.clock as TestClock).advance(60_000);
    const res = await t.call("POST", "/api/v1/customers/me/interactions", {
      headers: a.headers,
      body: {
        events: [
          { kind: "view", spiritId: s.ids.gin1 },
          { kind: "click", spiritId: s.ids.gin2 },
        ],
      },
    });
    expect(res.status).toBe(202);
    const stale = await s.recs(a);
    expect(stale.computedAt).toBe(before.computedAt);
    expect(stale.refreshPending).toBe(true);
    await s.drain();
    const fresh = await s.recs(a);
    expect(fresh.refreshPending).toBe(false);
    expect(fresh.computedAt).toBe(t.clock.now().toISOString());
    expect(fresh.strategy).toBe("hybrid");
  });

  test("the background worker drains the queue by itself and stops cleanly", async () => {
    const { startRecommendationWorker } = await import("../../src/modules/recommendations/index.ts");
    const a = await s.shop.customer();
    await t.deps.db.batch([t.services.recommendations.enqueue(a.id, "test")]);
    const worker = startRecommendationWorker(
      { processQueue: () => t.services.recommendations.processQueue({ force: true }) },
      { intervalMs: 5, logger: { log() {} } },
    );
    try {
      await waitFor(async () => !(await s.recs(a)).refreshPending, { what: "the queue to drain" });
    } finally {
      await worker.stop();
    }
    expect((await s.recs(a)).refreshPending).toBe(false);
  });
});
