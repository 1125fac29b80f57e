/**
 * Demand insight and price suggestions over HTTP: staff only; the estimate shows every signal with its
 * weight; with too few comparables the weights are priors and say so, with enough they are learned from
 * what comparables sold; a suggestion moves the price toward where demand meets the allocation, and a
 * decision about it is recorded with who and why without touching the price.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { PRIOR_WEIGHTS } from "../../src/modules/insights/demand-model.ts";
import {
  DemandInsightSchema,
  PriceDecisionListSchema,
  PriceDecisionSchema,
  PriceSuggestionSchema,
} from "../../src/modules/insights/insights.schemas.ts";
import { type Caller, openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";
import { createTestApp } from "../support/test-app.ts";

type Calls = {
  call(method: string, path: string, init?: { headers?: Record<string, string> }): Promise<Response>;
};
const demand = (t: Calls, who: Caller, spiritId: string, query = "") =>
  t.call("GET", `/api/v1/insights/demand/${spiritId}${query}`, { headers: who.headers });

describeTargets("insights: who may ask, and priors", (t) => {
  let shop: Shop;
  let spiritId: string;
  beforeAll(async () => {
    shop = await openShop(t);
    spiritId = await shop.spirit({ type: "gin", price: { amountMinor: 4000, currency: "GBP" } });
    await shop.receive(spiritId, 10);
    const fan = await shop.customer();
    await t.call("POST", `/api/v1/customers/me/wishlist`, { headers: fan.headers, body: { spiritId } });
  });

  test("staff and admins only; a customer is 403 and anonymous 401", async () => {
    const customer = await shop.customer();
    for (const path of [
      `/api/v1/insights/demand/${spiritId}`,
      `/api/v1/insights/price-suggestions/${spiritId}`,
    ]) {
      expect((await t.call("GET", path)).status).toBe(401);
      expect((await t.call("GET", path, { headers: customer.headers })).status).toBe(403);
      expect((await t.call("GET", path, { headers: shop.staff.headers })).status).toBe(200);
    }
    expect(
      (await t.call("GET", "/api/v1/insights/demand/spr_missing", { headers: shop.staff.headers })).status,
    ).toBe(404);
  });

  test("with no comparables the priors stand, each signal shown with its weight, and the allocation is the stock", async () => {
    const body = DemandInsightSchema.parse(await (await demand(t, shop.staff, spiritId)).json());
    expect(body.model.source).toBe("prior");
    expect(body.allocation).toBe(10);
    const wishes = body.components.find((c) => c.signal === "wishlists")!;
    expect(wishes).toMatchObject({ count: 1, weight: PRIOR_WEIGHTS.wishlists });
    const total = body.components.reduce((s, c) => s + c.contribution, 0);
    expect(body.estimate).toBeCloseTo(total, 1);
    expect(body.notes[0]).toContain("priors");
  });

  test("the stock-out risk falls as the allocation grows; a bad allocation is 422", async () => {
    const small = DemandInsightSchema.parse(
      await (await demand(t, shop.staff, spiritId, "?allocation=1")).json(),
    );
    const large = DemandInsightSchema.parse(
      await (await demand(t, shop.staff, spiritId, "?allocation=500")).json(),
    );
    expect(small.stockOutRisk).toBeGreaterThan(large.stockOutRisk);
    expect(large.stockOutRisk).toBeLessThan(0.01);
    expect((await demand(t, shop.staff, spiritId, "?allocation=0")).status).toBe(422);
  });

  test("a decision is recorded with who and why, and the price stays", async () => {
    const path = `/api/v1/insights/price-suggestions/${spiritId}/decisions`;
    const missing = await t.call("POST", path, {
      headers: shop.staff.headers,
      body: { decision: "adjusted", reason: "RRP" },
    });
    expect(missing.status).toBe(422);
    const res = await t.call("POST", path, {
      headers: shop.staff.headers,
      body: { decision: "adjusted", priceMinor: 4200, reason: "Hold close to the distillery's RRP" },
    });
    expect(res.status).toBe(201);
    const decision = PriceDecisionSchema.parse(await res.json());
    expect(decision).toMatchObject({
      decision: "adjusted",
      decidedBy: shop.staff.id,
      chosen: { amountMinor: 4200 },
    });
    const spirit = (await (await t.call("GET", `/api/v1/spirits/${spiritId}`)).json()) as {
      price: { amountMinor: number };
    };
    expect(spirit.price.amountMinor).toBe(4000);
    const list = PriceDecisionListSchema.parse(
      await (await t.call("GET", path, { headers: shop.staff.headers })).json(),
    );
    expect(list.items.map((d) => d.id)).toEqual([decision.id]);
    const customer = await shop.customer();
    expect((await t.call("GET", path, { headers: customer.headers })).status).toBe(403);
  });
});

describe("insights: learned from comparables", () => {
  test("weights are fitted on what comparables sold, and a drop wanted by more than its allocation is priced up", async () => {
    const t = await createTestApp();
    try {
      const shop = await openShop(t);
      const rum = (price = 5000) =>
        shop.spirit({ type: "rum", price: { amountMinor: price, currency: "GBP" } });
      // Ten comparables: spirit i had i wishers, each of whom bought a bottle (of 20 on offer).
      for (let i = 1; i <= 10; i++) {
        const id = await rum();
        await shop.receive(id, 20);
        for (let k = 0; k < i; k++) {
          const buyer = await shop.customer();
          await t.call("POST", "/api/v1/customers/me/wishlist", {
            headers: buyer.headers,
            body: { spiritId: id },
          });
          const order = (await (await shop.order(buyer, [{ spiritId: id, quantity: 1 }])).json()) as {
            id: string;
          };
          expect((await shop.act(shop.staff, order.id, "confirm")).status).toBe(200);
        }
      }
      const target = await rum();
      await shop.receive(target, 5);
      for (let k = 0; k < 12; k++) {
        const fan = await shop.customer();
        await t.call("POST", "/api/v1/customers/me/wishlist", {
          headers: fan.headers,
          body: { spiritId: target },
        });
      }
      const insight = DemandInsightSchema.parse(
        await (
          await t.call("GET", `/api/v1/insights/demand/${target}`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(insight.model).toMatchObject({ source: "fitted", comparables: 10 });
      expect(insight.estimate).toBeGreaterThan(9);
      expect(insight.estimate).toBeLessThan(15);
      expect(insight.sellThrough.comparables).toBe(10);
      expect(insight.stockOutRisk).toBeGreaterThan(0.9);
      const suggestion = PriceSuggestionSchema.parse(
        await (
          await t.call("GET", `/api/v1/insights/price-suggestions/${target}`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(suggestion.allocation).toBe(5);
      expect(suggestion.suggested.amountMinor).toBeGreaterThan(5000);
      expect(suggestion.range.lowMinor).toBeLessThanOrEqual(suggestion.suggested.amountMinor);
      expect(suggestion.range.highMinor).toBeGreaterThanOrEqual(suggestion.suggested.amountMinor);
      expect(suggestion.reasons[1]).toContain("Demand exceeds the allocation");
    } finally {
      await t.close();
    }
  }, 60_000);
});
