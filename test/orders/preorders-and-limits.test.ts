/**
 * Per-customer limits and pre-orders through the HTTP API. What needs no moving clock is one suite on both
 * targets (in-process on Bun, the Worker build in workerd); release dates passing, holds lapsing and the
 * reaper move the TestClock, which only the in-process app has, so they run on Bun only.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { describeTargets } from "../support/targets.ts";
import { createTestApp, type TestApp, type TestClock } from "../support/test-app.ts";
import { openShop, type Shop } from "./shop.ts";

const parse = async (res: Response) => OrderSchema.parse(await res.json());

describeTargets("order limits and pre-orders", (t) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(t);
  });
  /** A release date still a year away on the target's clock. */
  const aYearFromNow = () =>
    new Date(t.deps.clock.now().getTime() + 365 * 86_400_000).toISOString().slice(0, 10);

  describe("per-customer limit", () => {
    test("counts every live order of the customer; cancelled and expired ones stop counting", async () => {
      const s = await shop.spirit({ maxPerCustomer: 2, name: "Allocated Malt" });
      await shop.receive(s, 50);
      const c = await shop.customer();
      const first = await parse(await shop.order(c, [{ spiritId: s, quantity: 1 }]));
      await shop.act(shop.staff, first.id, "confirm");
      expect((await shop.order(c, [{ spiritId: s, quantity: 1 }])).status).toBe(201);
      const over = await shop.order(c, [{ spiritId: s, quantity: 1 }]);
      expect(over.status).toBe(422);
      const problem = await over.json();
      expect(problem.type).toEndWith("/per-customer-limit");
      expect(problem).toMatchObject({ spiritId: s, maxPerCustomer: 2, alreadyOrdered: 2, requested: 1 });
      expect(problem.detail).toContain("Allocated Malt");
      // another customer is not affected
      expect((await shop.order(await shop.customer(), [{ spiritId: s, quantity: 2 }])).status).toBe(201);
      // cancelling frees the allowance
      await shop.act(shop.staff, first.id, "cancel");
      expect((await shop.order(c, [{ spiritId: s, quantity: 1 }])).status).toBe(201);
      expect((await shop.audit()).clean).toBe(true);
    });

    test("one customer racing against their own limit: exactly the limit gets through", async () => {
      const s = await shop.spirit({ maxPerCustomer: 3 });
      await shop.receive(s, 100);
      const c = await shop.customer();
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => shop.order(c, [{ spiritId: s, quantity: 1 }])),
      );
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((x) => x === 201)).toHaveLength(3);
      expect(statuses.filter((x) => x === 422)).toHaveLength(37);
      expect((await shop.inventory(s)).available).toBe(97);
      expect((await shop.audit()).clean).toBe(true);
    });
  });

  describe("pre-orders", () => {
    test("first come first served up to the allocation; on release they become holds with a payment window", async () => {
      const s = await shop.spirit({
        status: "announced",
        releaseDate: aYearFromNow(),
        preorderAllocation: 3,
        holdMinutes: 60,
        name: "Future Release",
      });
      const [a, b, c] = [await shop.customer(), await shop.customer(), await shop.customer()];
      const pa = await parse(await shop.order(a, [{ spiritId: s, quantity: 2 }]));
      expect(pa.status).toBe("preordered");
      expect(pa.preorder).toBe(true);
      expect(pa.expiresAt).toBeNull();
      expect(pa.lines[0]!.allocations).toEqual([]);
      expect(await (await shop.get(a, `/api/v1/orders/${pa.id}`)).json()).toEqual(pa);
      const pb = await parse(await shop.order(b, [{ spiritId: s, quantity: 1 }]));
      expect(pb.status).toBe("preordered");
      const full = await shop.order(c, [{ spiritId: s, quantity: 1 }]);
      expect(full.status).toBe(409);
      expect(await full.json()).toMatchObject({ preorder: true, available: 0 });
      // a pre-order is for one spirit only
      const other = await shop.spirit();
      await shop.receive(other, 1);
      expect(
        (
          await shop.order(c, [
            { spiritId: s, quantity: 1 },
            { spiritId: other, quantity: 1 },
          ])
        ).status,
      ).toBe(422);

      // stock arrives; staff release: the first pre-order (2) fits, the second waits for more stock
      await shop.receive(s, 2);
      const staff = shop.staff;
      const from = t.deps.clock.now().getTime();
      const released = await t.call("POST", `/api/v1/inventory/${s}/preorders/release`, {
        headers: staff.headers,
      });
      const to = t.deps.clock.now().getTime();
      expect(released.status).toBe(200);
      expect(await released.json()).toEqual({ spiritId: s, converted: 1, waiting: 1 });
      const ra = await parse(await t.call("GET", `/api/v1/orders/${pa.id}`, { headers: a.headers }));
      expect(ra.status).toBe("reserved");
      // The target's clock: the Bun target's TestClock stands still (from = to), the Worker's is real time.
      const expiresAt = Date.parse(ra.expiresAt!);
      expect([expiresAt >= from + 60 * 60_000, expiresAt <= to + 60 * 60_000]).toEqual([true, true]);
      expect(ra.history.map((h) => h.status)).toEqual(["preordered", "reserved"]);
      expect(ra.lines[0]!.allocations[0]).toMatchObject({ quantity: 2, status: "active" });
      expect(
        (await parse(await t.call("GET", `/api/v1/orders/${pb.id}`, { headers: b.headers }))).status,
      ).toBe("preordered");

      // the waiting one is served as soon as more stock is released, before anybody else
      await shop.receive(s, 1);
      const again = await t.call("POST", `/api/v1/inventory/${s}/preorders/release`, {
        headers: staff.headers,
      });
      expect(await again.json()).toEqual({ spiritId: s, converted: 1, waiting: 0 });
      expect((await shop.act(shop.staff, pb.id, "confirm")).status).toBe(200);
      expect((await shop.audit()).clean).toBe(true);
    });

    test("cancelling a pre-order frees its place in the allocation", async () => {
      const s = await shop.spirit({ status: "announced", preorderAllocation: 1 });
      const a = await shop.customer();
      const b = await shop.customer();
      const pa = await parse(await shop.order(a, [{ spiritId: s, quantity: 1 }]));
      expect((await shop.order(b, [{ spiritId: s, quantity: 1 }])).status).toBe(409);
      expect((await parse(await shop.act(a, pa.id, "cancel"))).status).toBe("cancelled");
      expect((await shop.order(b, [{ spiritId: s, quantity: 1 }])).status).toBe(201);
      expect((await shop.audit()).clean).toBe(true);
    });
  });
});

// Time passing (holds lapsing, release dates, the reaper) moves the TestClock: in-process, Bun only.
describe("order limits and pre-orders over time (Bun only)", () => {
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await createTestApp();
    shop = await openShop(t);
  });
  afterAll(() => t.close());

  const clock = () => t.clock as TestClock;

  describe("per-customer limit", () => {
    test("an expired hold gives the allowance back", async () => {
      const s = await shop.spirit({ maxPerCustomer: 1 });
      await shop.receive(s, 5);
      const c = await shop.customer();
      expect((await shop.order(c, [{ spiritId: s, quantity: 1 }])).status).toBe(201);
      expect((await shop.order(c, [{ spiritId: s, quantity: 1 }])).status).toBe(422);
      clock().advance(16 * 60_000);
      expect((await shop.order(c, [{ spiritId: s, quantity: 1 }])).status).toBe(201);
    });
  });

  describe("pre-orders", () => {
    test("the release date passing converts waiting pre-orders before any new order takes the stock", async () => {
      const s = await shop.spirit({ status: "announced", releaseDate: "2026-07-01", preorderAllocation: 5 });
      const early = await shop.customer();
      const pre = await parse(await shop.order(early, [{ spiritId: s, quantity: 1 }]));
      await shop.receive(s, 1);
      // before the date, stock or not, an order is a pre-order (and comes second)
      const second = await shop.customer();
      const pre2 = await parse(await shop.order(second, [{ spiritId: s, quantity: 1 }]));
      expect(pre2.status).toBe("preordered");
      clock().set("2026-07-01T00:00:01.000Z");
      const buyer = await shop.customer();
      const late = await shop.order(buyer, [{ spiritId: s, quantity: 1 }]);
      expect(late.status).toBe(409);
      expect((await late.json()).type).toEndWith("/sold-out");
      const converted = await parse(await shop.get(early, `/api/v1/orders/${pre.id}`));
      expect(converted.status).toBe("reserved");
      expect((await parse(await shop.get(second, `/api/v1/orders/${pre2.id}`))).status).toBe("preordered");
      await shop.act(shop.staff, pre.id, "confirm");
      await shop.act(second, pre2.id, "cancel");
    });

    test("the reaper's work releases due pre-orders and expires lapsed holds", async () => {
      const s = await shop.spirit({ status: "announced", releaseDate: "2026-12-24", preorderAllocation: 2 });
      clock().set("2026-12-01T10:00:00.000Z");
      const c = await shop.customer();
      const pre = await parse(await shop.order(c, [{ spiritId: s, quantity: 1 }]));
      await shop.receive(s, 1);
      await t.services.orders.expireDue(); // what earlier tests left to lapse
      expect(await t.services.orders.nextDueAt()).toBe("2026-12-24T00:00:00.000Z");
      clock().set("2026-12-24T00:00:00.005Z");
      const work = await t.services.orders.expireDue();
      expect(work.converted).toBe(1);
      const reserved = await parse(await shop.get(c, `/api/v1/orders/${pre.id}`));
      expect(reserved.status).toBe("reserved");
      clock().advance(16 * 60_000);
      const later = await t.services.orders.expireDue();
      expect(later.released).toBe(1);
      expect(later.expiredOrders).toBe(1);
      const expired = await parse(await shop.get(c, `/api/v1/orders/${pre.id}`));
      expect(expired.history.map((h) => h.status)).toEqual(["preordered", "reserved", "expired"]);
    });

    test("a crowd arriving at the release: the waiting pre-orders are served first, then the crowd, never more than the stock", async () => {
      clock().set("2027-02-01T09:00:00.000Z");
      const s = await shop.spirit({ status: "announced", releaseDate: "2027-03-01", preorderAllocation: 4 });
      const early = await Promise.all([shop.customer(), shop.customer(), shop.customer()]);
      const pre = [];
      for (const c of early) pre.push(await parse(await shop.order(c, [{ spiritId: s, quantity: 1 }])));
      await shop.receive(s, 5);
      clock().set("2027-03-01T00:00:01.000Z");
      const crowd = await Promise.all(Array.from({ length: 20 }, () => shop.customer()));
      const answers = await Promise.all(crowd.map((c) => shop.order(c, [{ spiritId: s, quantity: 1 }])));
      expect(answers.filter((r) => r.status === 201)).toHaveLength(2);
      expect(answers.filter((r) => r.status === 409)).toHaveLength(18);
      for (const [i, p] of pre.entries()) {
        expect((await parse(await shop.get(early[i]!, `/api/v1/orders/${p.id}`))).status).toBe("reserved");
      }
      expect((await shop.inventory(s)).available).toBe(0);
      expect((await shop.audit()).clean).toBe(true);
    });
  });
});
