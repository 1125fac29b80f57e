/**
 * Orders and stock through the HTTP API, one suite on both targets: on Bun the in-process coordinator
 * serves the spirits; on the Worker build each spirit's SpiritStockObject does, over libSQL through HTTP.
 */
import { expect, test } from "bun:test";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

describeTargets("orders and stock", (t) => {
  let shop: Shop;
  const theShop = async () => {
    shop ??= await openShop(t);
    return shop;
  };

  test("placing an order holds the bottles; the hold shows in the inventory at once", async () => {
    const shop = await theShop();
    const s = await shop.spirit({ price: { amountMinor: 18500, currency: "GBP" } });
    await shop.receive(s, 10);
    const c = await shop.customer();
    const res = await shop.order(c, [{ spiritId: s, quantity: 2 }]);
    expect(res.status).toBe(201);
    const order = OrderSchema.parse(await res.json());
    expect(order.status).toBe("reserved");
    expect(order.total).toEqual({ amountMinor: 37000, currency: "GBP" });
    expect(order.lines[0]!.allocations).toEqual([
      { locationId: shop.loc("edinburgh"), batchId: null, quantity: 2, status: "active", bottleNumbers: [] },
    ]);
    // Each target's own clock: a test clock on Bun, real time on the Worker.
    expect(Date.parse(order.expiresAt!) - t.deps.clock.now().getTime()).toBeGreaterThan(14 * 60_000);
    const inv = await shop.inventory(s);
    expect(inv.available).toBe(8);
    expect(inv.levels![0]).toMatchObject({ onHand: 10, reserved: 2 });
  });

  test("sold out: 409 naming what is available, nothing held", async () => {
    const shop = await theShop();
    const s = await shop.spirit({ name: "Rare Cask 1979" });
    await shop.receive(s, 3);
    const res = await shop.order(await shop.customer(), [{ spiritId: s, quantity: 4 }]);
    expect(res.status).toBe(409);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const body = await res.json();
    expect(body.type).toEndWith("/sold-out");
    expect(body).toMatchObject({ spiritId: s, available: 3, requested: 4 });
    expect((await shop.inventory(s)).available).toBe(3);
  });

  test("several spirits: all or nothing, what one spirit's coordinator took is given back", async () => {
    const shop = await theShop();
    const [a, b] = [await shop.spirit(), await shop.spirit()];
    await shop.receive(a, 5);
    await shop.receive(b, 1);
    const c = await shop.customer();
    const refused = await shop.order(c, [
      { spiritId: a, quantity: 2 },
      { spiritId: b, quantity: 2 },
    ]);
    expect(refused.status).toBe(409);
    expect((await shop.inventory(a)).available).toBe(5);
    expect((await shop.inventory(b)).available).toBe(1);
    const ok = await shop.order(c, [
      { spiritId: a, quantity: 2 },
      { spiritId: b, quantity: 1 },
    ]);
    expect(ok.status).toBe(201);
    expect((await shop.inventory(a)).available).toBe(3);
    expect((await shop.inventory(b)).available).toBe(0);
  });

  test("confirm then ship: holds commit, then on-hand and reserved go down together", async () => {
    const shop = await theShop();
    const s = await shop.spirit();
    await shop.receive(s, 4);
    const c = await shop.customer();
    const order = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 3 }])).json());
    const confirmed = OrderSchema.parse(await (await shop.act(shop.staff, order.id, "confirm")).json());
    expect(confirmed.status).toBe("confirmed");
    expect(confirmed.lines[0]!.allocations[0]!.status).toBe("committed");
    expect((await shop.act(c, order.id, "ship")).status).toBe(403);
    const shipped = OrderSchema.parse(await (await shop.act(shop.staff, order.id, "ship")).json());
    expect(shipped.history.map((h) => h.status)).toEqual(["reserved", "confirmed", "shipped"]);
    expect((await shop.inventory(s)).levels![0]).toMatchObject({ onHand: 1, reserved: 0 });
  });

  test("cancel gives the bottles back", async () => {
    const shop = await theShop();
    const s = await shop.spirit();
    await shop.receive(s, 2);
    const c = await shop.customer();
    const order = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 2 }])).json());
    expect((await shop.inventory(s)).available).toBe(0);
    const cancelled = OrderSchema.parse(await (await shop.act(c, order.id, "cancel")).json());
    expect(cancelled.status).toBe("cancelled");
    expect((await shop.inventory(s)).available).toBe(2);
  });

  test("a stale expectedVersion is refused and changes nothing", async () => {
    const shop = await theShop();
    const s = await shop.spirit();
    await shop.receive(s, 5);
    const level = (await shop.inventory(s)).levels![0]!;
    const ok = await shop.change(s, {
      type: "adjust",
      locationId: level.locationId,
      delta: -1,
      reason: "breakage",
      expectedVersion: level.version,
    });
    expect(ok.status).toBe(200);
    const stale = await shop.change(s, {
      type: "adjust",
      locationId: level.locationId,
      delta: -1,
      reason: "breakage",
      expectedVersion: level.version,
    });
    expect(stale.status).toBe(409);
    expect((await shop.inventory(s)).levels![0]!.onHand).toBe(4);
  });

  test("after all that, the stock audit is clean", async () => {
    const shop = await theShop();
    const audit = await shop.audit();
    expect(audit.levelsChecked).toBeGreaterThan(0);
    expect(audit.discrepancies).toEqual([]);
    expect(audit.clean).toBe(true);
  });
});
