/**
 * Orders through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in workerd,
 * where each spirit's stock goes through its Durable Object). Tests that let holds expire move the
 * TestClock, which only the in-process app has: they run on Bun only, at the end.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ProblemSchema } from "../../src/http/problem.ts";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { describeTargets, letTimePass } from "../support/targets.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";
import { openShop, type Shop } from "./shop.ts";

describeTargets("orders", (t) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(t);
  });
  const now = () => t.deps.clock.now().getTime();

  describe("placing an order", () => {
    test("holds the bottles, keeps the price, answers reserved with expiresAt and a Location", async () => {
      const s = await shop.spirit({ price: { amountMinor: 18500, currency: "GBP" } });
      await shop.receive(s, 10);
      const c = await shop.customer();
      const from = now();
      const res = await shop.order(c, [{ spiritId: s, quantity: 2 }]);
      const to = now();
      expect(res.status).toBe(201);
      const order = OrderSchema.parse(await res.json());
      expect(res.headers.get("Location")).toBe(`/api/v1/orders/${order.id}`);
      expect(order.status).toBe("reserved");
      expect(order.customerId).toBe(c.id);
      expect(order.total).toEqual({ amountMinor: 37000, currency: "GBP" });
      expect(order.lines[0]).toMatchObject({
        spiritId: s,
        quantity: 2,
        unitPrice: { amountMinor: 18500, currency: "GBP" },
        lineTotal: { amountMinor: 37000, currency: "GBP" },
      });
      expect(order.lines[0]!.allocations).toEqual([
        {
          locationId: shop.loc("edinburgh"),
          batchId: null,
          quantity: 2,
          status: "active",
          bottleNumbers: [],
        },
      ]);
      // The target's clock: the Bun target's TestClock stands still (from = to), the Worker's is real time.
      const expiresAt = Date.parse(order.expiresAt!);
      expect([expiresAt >= from + 15 * 60_000, expiresAt <= to + 15 * 60_000]).toEqual([true, true]);
      expect(order.history.map((h) => h.status)).toEqual(["reserved"]);
      expect((await shop.inventory(s)).available).toBe(8);
      // the answer is built without reading back: it must be exactly what a read gives
      expect(await (await shop.get(c, `/api/v1/orders/${order.id}`)).json()).toEqual(order);
    });

    test("a price change later does not change the order's lines", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 5);
      const c = await shop.customer();
      const order = (await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json()) as { id: string };
      await t.call("PATCH", `/api/v1/spirits/${s}`, {
        headers: shop.staff.headers,
        body: { price: { amountMinor: 99900 } },
      });
      const again = OrderSchema.parse(
        await (await t.call("GET", `/api/v1/orders/${order.id}`, { headers: c.headers })).json(),
      );
      expect(again.lines[0]!.unitPrice.amountMinor).toBe(12000);
    });

    test("sold out: 409 sold-out naming the spirit and what is available, nothing held", async () => {
      const s = await shop.spirit({ name: "Rare Cask 1979" });
      await shop.receive(s, 3);
      const c = await shop.customer();
      const res = await shop.order(c, [{ spiritId: s, quantity: 4 }]);
      expect(res.status).toBe(409);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      const body = await res.json();
      expect(body.type).toEndWith("/sold-out");
      expect(body.detail).toContain("Rare Cask 1979");
      expect(body).toMatchObject({ spiritId: s, available: 3, requested: 4 });
      expect((await shop.inventory(s)).available).toBe(3);
    });

    test("several spirits: all or nothing, what was taken is given back", async () => {
      const [a, b] = [await shop.spirit(), await shop.spirit()];
      await shop.receive(a, 5);
      await shop.receive(b, 1);
      const c = await shop.customer();
      const res = await shop.order(c, [
        { spiritId: a, quantity: 2 },
        { spiritId: b, quantity: 2 },
      ]);
      expect(res.status).toBe(409);
      expect((await shop.inventory(a)).available).toBe(5);
      expect((await shop.inventory(b)).available).toBe(1);
      const ok = await shop.order(c, [
        { spiritId: a, quantity: 2 },
        { spiritId: b, quantity: 1 },
      ]);
      expect(ok.status).toBe(201);
      const order = OrderSchema.parse(await ok.json());
      expect(order.lines).toHaveLength(2);
      expect(order.total.amountMinor).toBe(36000);
      expect((await shop.audit()).clean).toBe(true);
    });

    test("the same spirit listed twice is one line; unknown spirits and batches are 422 with paths", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 5);
      const c = await shop.customer();
      const merged = OrderSchema.parse(
        await (
          await shop.order(c, [
            { spiritId: s, quantity: 1 },
            { spiritId: s, quantity: 2 },
          ])
        ).json(),
      );
      expect(merged.lines).toHaveLength(1);
      expect(merged.lines[0]!.quantity).toBe(3);
      const bad = await shop.order(c, [
        { spiritId: "spr_nope", quantity: 1 },
        { spiritId: s, quantity: 1, batchId: "bat_nope" },
      ]);
      expect(bad.status).toBe(422);
      const body = await bad.json();
      expect(body.errors.map((e: { path: string }) => e.path)).toEqual([
        "items.0.spiritId",
        "items.1.batchId",
      ]);
    });

    test("validation: empty items, zero quantity, unknown country, extra fields", async () => {
      const c = await shop.customer();
      for (const body of [
        { items: [], shipping: { country: "GB" } },
        { items: [{ spiritId: "x", quantity: 0 }], shipping: { country: "GB" } },
        { items: [{ spiritId: "x", quantity: 1 }], shipping: { country: "XX" } },
        { items: [{ spiritId: "x", quantity: 1, price: 1 }], shipping: { country: "GB" } },
        { items: [{ spiritId: "x", quantity: 1.5 }], shipping: { country: "GB" } },
      ]) {
        const res = await t.call("POST", "/api/v1/orders", { headers: c.headers, body });
        expect(res.status).toBe(422);
        expect((await res.json()).errors.length).toBeGreaterThan(0);
      }
    });

    test("anonymous callers get 401", async () => {
      const res = await t.call("POST", "/api/v1/orders", {
        body: { items: [], shipping: { country: "GB" } },
      });
      expect(res.status).toBe(401);
      expect((await t.call("GET", "/api/v1/orders")).status).toBe(401);
    });

    test("archived and not-yet-released spirits are not on sale", async () => {
      const archived = await shop.spirit({ status: "archived" });
      const announced = await shop.spirit({ status: "announced", releaseDate: "2099-01-01" });
      const c = await shop.customer();
      for (const s of [archived, announced]) {
        const res = await shop.order(c, [{ spiritId: s, quantity: 1 }]);
        expect(res.status).toBe(409);
        expect((await res.json()).type).toEndWith("/not-on-sale");
      }
    });

    test("mixed currencies are refused", async () => {
      const gbp = await shop.spirit();
      const usd = await shop.spirit({ price: { amountMinor: 5000, currency: "USD" } });
      await shop.receive(gbp, 1);
      await shop.receive(usd, 1);
      const res = await shop.order(await shop.customer(), [
        { spiritId: gbp, quantity: 1 },
        { spiritId: usd, quantity: 1 },
      ]);
      expect(res.status).toBe(422);
      expect((await res.json()).type).toEndWith("/mixed-currency");
    });
  });

  describe("the order's life", () => {
    test("confirm then ship: holds commit, then on-hand and reserved go down together", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 4);
      const c = await shop.customer();
      const order = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 3 }])).json());
      const confirmed = await shop.act(shop.staff, order.id, "confirm");
      expect(confirmed.status).toBe(200);
      const body = OrderSchema.parse(await confirmed.json());
      expect(body.status).toBe("confirmed");
      expect(body.expiresAt).toBeNull();
      expect(body.lines[0]!.allocations[0]!.status).toBe("committed");
      // confirming twice answers the same order
      expect((await shop.act(shop.staff, order.id, "confirm")).status).toBe(200);
      // customers cannot ship
      expect((await shop.act(c, order.id, "ship")).status).toBe(403);
      const shipped = OrderSchema.parse(await (await shop.act(shop.staff, order.id, "ship")).json());
      expect(shipped.status).toBe("shipped");
      expect(shipped.history.map((h) => h.status)).toEqual(["reserved", "confirmed", "shipped"]);
      const inv = await shop.inventory(s);
      expect(inv.levels![0]).toMatchObject({ onHand: 1, reserved: 0 });
      // shipped orders cannot be cancelled
      const cancel = await shop.act(shop.staff, order.id, "cancel");
      expect(cancel.status).toBe(409);
      const problem = await cancel.json();
      expect(problem.type).toEndWith("/order-status");
      // RFC 9457's `status` stays the HTTP status; the order's state is an extension member of its own.
      expect(problem.status).toBe(409);
      expect(problem.orderStatus).toBe("shipped");
      expect(ProblemSchema.safeParse(problem).success).toBe(true);
      expect((await shop.audit()).clean).toBe(true);
    });

    test("cancel gives the bottles back; a paid order needs staff to cancel", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 2);
      const c = await shop.customer();
      const first = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 2 }])).json());
      const cancelled = OrderSchema.parse(await (await shop.act(c, first.id, "cancel")).json());
      expect(cancelled.status).toBe("cancelled");
      expect(cancelled.lines[0]!.allocations[0]!.status).toBe("released");
      expect((await shop.inventory(s)).available).toBe(2);

      const second = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json());
      await shop.act(shop.staff, second.id, "confirm");
      expect((await shop.act(c, second.id, "cancel")).status).toBe(403);
      expect((await shop.act(shop.staff, second.id, "cancel")).status).toBe(200);
      expect((await shop.inventory(s)).available).toBe(2);
      expect((await shop.audit()).clean).toBe(true);
    });

    test("owner or staff only: another customer gets 404", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 1);
      const owner = await shop.customer();
      const other = await shop.customer();
      const order = OrderSchema.parse(await (await shop.order(owner, [{ spiritId: s, quantity: 1 }])).json());
      expect((await t.call("GET", `/api/v1/orders/${order.id}`, { headers: other.headers })).status).toBe(
        404,
      );
      // Confirming is for staff (a payment confirms): neither customer may, their own order or not.
      expect((await shop.act(other, order.id, "confirm")).status).toBe(403);
      expect((await shop.act(owner, order.id, "confirm")).status).toBe(403);
      expect((await shop.act(other, order.id, "cancel")).status).toBe(404);
      expect(
        (await t.call("GET", `/api/v1/orders/${order.id}`, { headers: shop.staff.headers })).status,
      ).toBe(200);
      expect((await t.call("GET", "/api/v1/orders/ord_missing", { headers: owner.headers })).status).toBe(
        404,
      );
    });
  });

  describe("listing orders", () => {
    test("customers see their own; staff filter by status, spirit and customer; cursor pages", async () => {
      const s = await shop.spirit();
      const other = await shop.spirit();
      await shop.receive(s, 20);
      await shop.receive(other, 20);
      const c = await shop.customer();
      const d = await shop.customer();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(((await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json()) as { id: string }).id);
        await letTimePass(t, 1000);
      }
      await shop.order(d, [{ spiritId: other, quantity: 1 }]);
      await shop.act(shop.staff, ids[0]!, "confirm");

      const mine = await (await t.call("GET", "/api/v1/orders?limit=2", { headers: c.headers })).json();
      expect(mine.items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
      expect(mine.items[0]).toMatchObject({ itemCount: 1, spiritIds: [s], status: "reserved" });
      const next = await (
        await t.call("GET", `/api/v1/orders?limit=2&cursor=${mine.nextCursor}`, { headers: c.headers })
      ).json();
      expect(next.items.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
      expect(next.nextCursor).toBeNull();

      expect((await t.call("GET", `/api/v1/orders?customerId=${d.id}`, { headers: c.headers })).status).toBe(
        403,
      );
      const bySpirit = await (
        await t.call("GET", `/api/v1/orders?spiritId=${other}`, { headers: shop.staff.headers })
      ).json();
      expect(bySpirit.items.map((o: { customerId: string }) => o.customerId)).toEqual([d.id]);
      const confirmed = await (
        await t.call("GET", `/api/v1/orders?status=confirmed&customerId=${c.id}`, {
          headers: shop.staff.headers,
        })
      ).json();
      expect(confirmed.items.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
      const either = await (
        await t.call("GET", `/api/v1/orders?status=reserved,confirmed&customerId=${c.id}`, {
          headers: shop.staff.headers,
        })
      ).json();
      expect(either.items.map((o: { id: string }) => o.id).sort()).toEqual([...ids].sort());
      const badStatus = await t.call("GET", "/api/v1/orders?status=confirmed,lost", {
        headers: shop.staff.headers,
      });
      expect(badStatus.status).toBe(422);
      expect((await badStatus.json()).errors).toEqual([
        { path: "status", message: expect.stringMatching(/^"lost" must be one of preordered, reserved/) },
      ]);
      expect(
        (await t.call("GET", "/api/v1/orders?cursor=garbage", { headers: shop.staff.headers })).status,
      ).toBe(422);
    });
  });

  describe("Idempotency-Key on POST /orders", () => {
    test("a retry with the same key and body gets the first answer and holds nothing more; another body is 422", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 5);
      const c = await shop.customer();
      const key = { "Idempotency-Key": `order-${crypto.randomUUID()}` };
      const first = await shop.order(c, [{ spiritId: s, quantity: 2 }], undefined, key);
      expect(first.status).toBe(201);
      const order = await first.json();
      const retry = await shop.order(c, [{ spiritId: s, quantity: 2 }], undefined, key);
      expect(retry.status).toBe(201);
      expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
      expect(retry.headers.get("Location")).toBe(first.headers.get("Location"));
      expect(await retry.json()).toEqual(order);
      expect((await shop.inventory(s)).available).toBe(3);
      const other = await shop.order(c, [{ spiritId: s, quantity: 1 }], undefined, key);
      expect(other.status).toBe(422);
      expect((await other.json()).type).toEndWith("/idempotency-key-reused");
      expect((await shop.inventory(s)).available).toBe(3);
      // a refusal is kept too: the same sold-out answer, not a second attempt
      const soldOutKey = { "Idempotency-Key": `order-${crypto.randomUUID()}` };
      const refused = await shop.order(c, [{ spiritId: s, quantity: 9 }], undefined, soldOutKey);
      expect(refused.status).toBe(409);
      await shop.receive(s, 10);
      const refusedAgain = await shop.order(c, [{ spiritId: s, quantity: 9 }], undefined, soldOutKey);
      expect(refusedAgain.status).toBe(409);
      expect(refusedAgain.headers.get("Idempotent-Replayed")).toBe("true");
    });
  });
});

// Holds that expire: the TestClock moves past them, which only the in-process app can do.
describe("orders whose holds expire (Bun only)", () => {
  const clock = new TestClock();
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await createTestApp({ clock });
    shop = await openShop(t);
  });
  afterAll(() => t.close());

  test("an expired hold: readers see it released at once; a late payment is refused once the bottle is gone", async () => {
    const s = await shop.spirit({ holdMinutes: 5 });
    await shop.receive(s, 1);
    const c = await shop.customer();
    const order = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json());
    expect(order.expiresAt).toBe(new Date(clock.now().getTime() + 5 * 60_000).toISOString());
    clock.advance(5 * 60_000);
    expect((await shop.inventory(s)).available).toBe(1);
    const read = OrderSchema.parse(
      await (await t.call("GET", `/api/v1/orders/${order.id}`, { headers: c.headers })).json(),
    );
    expect(read.status).toBe("expired");
    // someone else can buy the bottle, and does
    expect((await shop.order(await shop.customer(), [{ spiritId: s, quantity: 1 }])).status).toBe(201);
    const res = await shop.act(shop.staff, order.id, "confirm");
    expect(res.status).toBe(409);
    const problem = await res.json();
    expect(problem.type, JSON.stringify(problem)).toEndWith("/hold-expired");
    expect(problem.detail).toContain("expired");
    // the refusal wrote the expiry down: the history says so and the ledger has the expire row
    const after = OrderSchema.parse(
      await (await t.call("GET", `/api/v1/orders/${order.id}`, { headers: c.headers })).json(),
    );
    expect(after.history.map((h) => h.status)).toEqual(["reserved", "expired"]);
    expect(after.lines[0]!.allocations[0]!.status).toBe("expired");
    const moves = await t.call("GET", `/api/v1/inventory/${s}/movements`, { headers: shop.staff.headers });
    expect(((await moves.json()).items as { kind: string }[]).map((m) => m.kind)).toEqual([
      "hold",
      "expire",
      "hold",
      "receive",
    ]);
  });

  test("staff find holds that expired with the status filter", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 5);
    const c = await shop.customer();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      ids.push(((await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json()) as { id: string }).id);
      clock.advance(1000);
    }
    clock.advance(60 * 60_000);
    const staff = await t.signIn("staff"); // the earlier token has expired too
    const expired = await (
      await t.call("GET", `/api/v1/orders?status=expired&customerId=${c.id}`, { headers: staff.headers })
    ).json();
    expect(expired.items.map((o: { id: string }) => o.id)).toEqual([ids[1], ids[0]]);
  });
});
