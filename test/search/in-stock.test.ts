/** Searching for what is in stock, one suite on both targets (in-process on Bun, the Worker in workerd). */
import { beforeAll, describe, expect, test } from "bun:test";
import { loadGeneratedCatalog } from "../../src/db/seed/load-catalog.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets, type Target } from "../support/targets.ts";
import { withSearch } from "./search-fixture.ts";

describeTargets("searching what is in stock", (t) => {
  let shop: Shop;
  let app: ReturnType<typeof withSearch<Target>>;

  beforeAll(async () => {
    await loadGeneratedCatalog(t.deps.client, {
      count: 200,
      seed: 21,
      currency: "GBP",
      now: t.deps.clock.now(),
    });
    shop = await openShop(t);
    app = withSearch(t);
  });

  describe("in stock only, from the inventory levels", () => {
    test("lists exactly the spirits with bottles not held for anyone, and counts facets over them", async () => {
      expect((await app.search({ inStock: true })).total).toBe(0);
      const { items } = await app.search({ q: "islay", limit: 3 });
      const [a, b, c] = items.map((s) => s.id) as [string, string, string];
      await shop.receive(a, 5, shop.loc("edinburgh"));
      await shop.receive(b, 1, shop.loc("a"));
      await shop.receive(c, 2, shop.loc("london"));
      const inStock = await app.search({ inStock: true, facets: "region", limit: 10 });
      expect(inStock.items.map((s) => s.id).sort()).toEqual([a, b, c].sort());
      expect(inStock.facets?.region?.reduce((n, v) => n + v.count, 0)).toBe(3);

      // An order holding the only bottle of b takes it out of stock; relevance pages agree with the total.
      const customer = await shop.customer();
      const ordered = await shop.order(customer, [{ spiritId: b, quantity: 1 }]);
      expect(ordered.status).toBe(201);
      const after = await app.search({ q: "islay", inStock: true });
      expect(after.items.map((s) => s.id).sort()).toEqual([a, c].sort());
      expect(after.total).toBe(2);
      expect((await app.search({ inStock: false })).total).toBe((await app.search({ facets: "type" })).total);
    });
  });
});
