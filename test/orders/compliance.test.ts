/**
 * Legal age, blocked destinations and allocation on orders through the HTTP API, one suite on both targets
 * (in-process on Bun, the Worker build in workerd). Birthdays are counted from the target's today (the Bun
 * target's TestClock, the Worker's real date); moving the clock over a birthday is a Bun-only test.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { describeTargets, type Target } from "../support/targets.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";
import { openShop, type Shop } from "./shop.ts";

/** The date of birth of someone `years` old today on the target's clock, born `daysLater` days later. */
function bornYearsAgo(t: Pick<Target, "deps">, years: number, daysLater = 0): string {
  const d = t.deps.clock.now();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + daysLater);
  return d.toISOString().slice(0, 10);
}

describeTargets("orders and the law", (t) => {
  let shop: Shop;
  let spiritId: string;
  beforeAll(async () => {
    shop = await openShop(t);
    spiritId = await shop.spirit();
    await shop.receive(spiritId, 100, shop.loc("a"));
  });

  describe("legal age and shipping rules on orders", () => {
    test("under the country's age: 403 naming the rule and the age; nothing held", async () => {
      const teen = await shop.customer({ dateOfBirth: bornYearsAgo(t, 17) });
      const res = await shop.order(teen, [{ spiritId, quantity: 1 }], { country: "GB" });
      expect(res.status).toBe(403);
      const problem = await res.json();
      expect(problem).toMatchObject({ rule: "under-legal-age", minimumAge: 18 });
      expect(problem.type).toEndWith("/under-legal-age");
      expect((await shop.inventory(spiritId)).available).toBe(100);
    });

    test("the age depends on where it ships: 19 may buy for Britain, not for the United States", async () => {
      const c = await shop.customer({ dateOfBirth: bornYearsAgo(t, 19) });
      const us = await shop.order(c, [{ spiritId, quantity: 1 }], { country: "US", region: "US-CA" });
      expect(us.status).toBe(403);
      expect(await us.json()).toMatchObject({ rule: "under-legal-age", minimumAge: 21 });
      expect(
        (await shop.order(c, [{ spiritId, quantity: 1 }], { country: "GB", region: "GB-SCT" })).status,
      ).toBe(201);
    });

    test("a region that may not receive spirits: 403 destination-blocked naming it", async () => {
      const c = await shop.customer();
      const res = await shop.order(c, [{ spiritId, quantity: 1 }], { country: "US", region: "UT" });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ rule: "destination-blocked", ruleCode: "US-UT" });
    });

    test("no date of birth on the profile: 422 date-of-birth-required", async () => {
      const c = await shop.customer({ dateOfBirth: null });
      const res = await shop.order(c, [{ spiritId, quantity: 1 }]);
      expect(res.status).toBe(422);
      expect((await res.json()).type).toEndWith("/date-of-birth-required");
    });

    test("a region must be a subdivision of the country", async () => {
      const c = await shop.customer();
      for (const region of ["Scotland", "US-CA", "!!"]) {
        const res = await shop.order(c, [{ spiritId, quantity: 1 }], { country: "GB", region });
        expect(res.status).toBe(422);
        expect((await res.json()).errors[0].path).toBe("shipping.region");
      }
    });

    test("refused the day before the 18th birthday, fine on it", async () => {
      const tomorrow = await shop.customer({ dateOfBirth: bornYearsAgo(t, 18, 1) });
      expect((await shop.order(tomorrow, [{ spiritId, quantity: 1 }], { country: "GB" })).status).toBe(403);
      const today = await shop.customer({ dateOfBirth: bornYearsAgo(t, 18) });
      expect((await shop.order(today, [{ spiritId, quantity: 1 }], { country: "GB" })).status).toBe(201);
    });
  });

  describe("allocation prefers locations that ship to the customer", () => {
    test("London only ships to England: a Scottish order is served from Edinburgh only, an English one from London", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 2, shop.loc("edinburgh"));
      await shop.receive(s, 5, shop.loc("london"));
      const c = await shop.customer();
      const scot = await (
        await shop.order(c, [{ spiritId: s, quantity: 1 }], { country: "GB", region: "GB-SCT" })
      ).json();
      const eng = await (
        await shop.order(c, [{ spiritId: s, quantity: 1 }], { country: "GB", region: "GB-ENG" })
      ).json();
      const where = (o: { lines: { allocations: { locationId: string }[] }[] }) =>
        o.lines[0]!.allocations.map((a) => a.locationId);
      expect(where(scot)).toEqual([shop.loc("edinburgh")]);
      // both ship to England; London has the most stock
      expect(where(eng)).toEqual([shop.loc("london")]);
      // more than the locations that ship to Scotland hold: London may not make up the rest
      const big = await shop.order(c, [{ spiritId: s, quantity: 4 }], { country: "GB", region: "GB-SCT" });
      expect(big.status).toBe(409);
      expect(await big.json()).toMatchObject({
        code: "not-shippable",
        available: 1,
        elsewhere: 4,
        requested: 4,
      });
      // more than one location that ships there holds: split between them
      const split = await (
        await shop.order(c, [{ spiritId: s, quantity: 5 }], { country: "GB", region: "GB-ENG" })
      ).json();
      expect(split.lines[0].allocations.map((a: { quantity: number }) => a.quantity).sort()).toEqual([1, 4]);
      // the case: neither ships to California, so the order is refused rather than sent from Britain
      await shop.receive(s, 3, shop.loc("edinburgh"));
      const us = await shop.order(c, [{ spiritId: s, quantity: 1 }], { country: "US", region: "US-CA" });
      expect(us.status).toBe(409);
      expect(await us.json()).toMatchObject({ code: "not-shippable", available: 0, elsewhere: 3 });
    });
  });
});

// Moving time over a birthday needs the TestClock, which only the in-process app has.
describe("the injected clock decides the age (Bun only)", () => {
  const clock = new TestClock();
  let app: TestApp;
  let shop: Shop;
  let spiritId: string;
  beforeAll(async () => {
    app = await createTestApp({ clock });
    shop = await openShop(app);
    spiritId = await shop.spirit();
    await shop.receive(spiritId, 10, shop.loc("a"));
  });
  afterAll(() => app.close());

  test("refused the day before the 18th birthday, fine on it", async () => {
    const c = await shop.customer({ dateOfBirth: bornYearsAgo(app, 18, 1) });
    expect((await shop.order(c, [{ spiritId, quantity: 1 }], { country: "GB" })).status).toBe(403);
    clock.advance(24 * 60 * 60_000);
    expect((await shop.order(c, [{ spiritId, quantity: 1 }], { country: "GB" })).status).toBe(201);
  });
});
