/**
 * Waitlists through the HTTP API on both targets: joining only a sold-out spirit, the line's order, freed
 * bottles kept for the line against fast ordinary buyers (also when they race the cancellation), offers
 * as reserved orders, withdrawal, and every route as every kind of caller. Moving time (an offer lapsing)
 * runs on Bun only.
 */
import { beforeAll, expect, test } from "bun:test";
import { WaitlistEntrySchema } from "../../src/modules/waitlists/waitlists.schemas.ts";
import { CRON_EVERY_MINUTE } from "../../src/runtime/worker-crons.ts";
import { flushStockMarks } from "../../src/stock/stock-outbox.ts";
import { type Caller, openShop, type Shop, TEST_ADDRESS } from "../orders/shop.ts";
import { describeTargets, type Target } from "../support/targets.ts";
import { createTestApp } from "../support/test-app.ts";

const SHIPPING = { ...TEST_ADDRESS, country: "GB", region: "GB-SCT" };

/** The periodic round: the reaper, then the waitlists (Bun), or the Worker's minute cron. */
async function advance(t: Target) {
  if (t.worker) return t.worker.runCron(CRON_EVERY_MINUTE);
  await t.services.orders.expireDue();
  await t.services.waitlists.advanceDue();
}

describeTargets("waitlists", (t) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(t);
  });

  const path = (spiritId: string) => `/api/v1/spirits/${spiritId}/waitlist`;
  const join = (who: Caller, spiritId: string, quantity = 1) =>
    t.call("POST", path(spiritId), { headers: who.headers, body: { quantity, shipping: SHIPPING } });
  const mine = async (who: Caller, spiritId: string) => {
    const res = await shop.get(who, `${path(spiritId)}/me`);
    expect(res.status).toBe(200);
    return WaitlistEntrySchema.parse(await res.json());
  };
  const orderOf = async (who: Caller, spiritId: string, quantity = 1) => {
    const res = await shop.order(who, [{ spiritId, quantity }]);
    return { status: res.status, body: (await res.json()) as { id: string; code?: string; status?: string } };
  };

  /** A spirit with `stock` bottles at store A, all bought by one customer: sold out, with that order to cancel. */
  async function soldOut(stock = 2, fields: Record<string, unknown> = {}) {
    const spiritId = await shop.spirit({ status: "available", maxPerCustomer: 4, ...fields });
    await shop.receive(spiritId, stock, shop.loc("a"));
    const buyer = await shop.customer();
    const bought = await orderOf(buyer, spiritId, stock);
    expect(bought.status).toBe(201);
    return { spiritId, buyer, orderId: bought.body.id };
  }

  async function noOversell(spiritId: string) {
    const inv = await shop.inventory(spiritId);
    for (const l of inv.levels ?? []) {
      expect(l.reserved).toBeGreaterThanOrEqual(0);
      expect(l.reserved).toBeLessThanOrEqual(l.onHand);
    }
    expect((await shop.audit()).clean).toBe(true);
    return inv;
  }

  test("joining is refused while the spirit can be bought, past the limit, twice, or for an unknown spirit", async () => {
    const spiritId = await shop.spirit({ status: "available", maxPerCustomer: 2 });
    await shop.receive(spiritId, 3, shop.loc("a"));
    const c = await shop.customer();
    const inStock = await join(c, spiritId);
    expect(inStock.status).toBe(409);
    expect(inStock.headers.get("content-type")).toContain("application/problem+json");
    expect(await inStock.json()).toMatchObject({ code: "in-stock", available: 3 });
    expect((await join(c, spiritId, 3)).status).toBe(422);
    expect((await join(c, "spr_nope")).status).toBe(404);
    // Not on sale yet is not sold out: a line would earmark the launch's bottles.
    const announced = await join(c, await shop.spirit({ status: "announced" }));
    expect(announced.status).toBe(409);
    expect(await announced.json()).toMatchObject({ code: "not-on-sale" });

    const { spiritId: gone } = await soldOut(1);
    const first = await join(c, gone);
    expect(first.status).toBe(201);
    expect(first.headers.get("location")).toBe(`${path(gone)}/me`);
    expect(WaitlistEntrySchema.parse(await first.json())).toMatchObject({ state: "waiting", position: 1 });
    const again = await join(c, gone);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "already-waitlisted" });
    // Too young to buy: refused before it takes a place.
    const young = await shop.customer({ dateOfBirth: "2015-01-01" });
    expect((await join(young, gone)).status).toBe(403);
    const list = await shop.get(shop.staff, path(gone));
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  test("a cancellation's bottles go to the line in order, not to a fast buyer; paid offers are claimed", async () => {
    const { spiritId, buyer, orderId } = await soldOut(2);
    const [w1, w2, w3, fast] = [
      await shop.customer(),
      await shop.customer(),
      await shop.customer(),
      await shop.customer(),
    ];
    for (const w of [w1!, w2!, w3!]) expect((await join(w, spiritId)).status).toBe(201);
    expect((await mine(w3!, spiritId)).position).toBe(3);

    expect((await shop.act(buyer, orderId, "cancel")).status).toBe(200);
    // Freed, not yet offered: the bottles are earmarked for the first two in line.
    const grab = await orderOf(fast!, spiritId);
    expect(grab.status).toBe(409);
    expect(grab.body.code).toBe("sold-out");
    // And nobody may join the line ahead of them either: it is not purchasable.
    expect((await join(fast!, spiritId)).status).toBe(201);

    await advance(t);
    const first = await mine(w1!, spiritId);
    const second = await mine(w2!, spiritId);
    expect(first).toMatchObject({ state: "offered", position: null });
    expect(second.state).toBe("offered");
    expect(first.orderId).toStartWith("ord_");
    expect(first.offerExpiresAt).not.toBeNull();
    expect(await mine(w3!, spiritId)).toMatchObject({ state: "waiting", position: 1 });
    const order = await (await shop.get(w1!, `/api/v1/orders/${first.orderId}`)).json();
    expect(order).toMatchObject({ status: "reserved", customerId: w1!.id });
    expect((await noOversell(spiritId)).available).toBe(0);

    expect((await shop.act(shop.staff, first.orderId!, "confirm")).status).toBe(200);
    await advance(t);
    expect((await mine(w1!, spiritId)).state).toBe("claimed");

    const staffView = (await (await shop.get(shop.staff, path(spiritId))).json()) as {
      items: { customerId: string; state: string; position: number | null }[];
    };
    expect(staffView.items.map((e) => [e.customerId, e.state, e.position])).toEqual([
      [w1!.id, "claimed", null],
      [w2!.id, "offered", null],
      [w3!.id, "waiting", 1],
      [fast!.id, "waiting", 2],
    ]);
  });

  test("the line waits for the standard unit: a variant's free stock neither blocks joining nor is earmarked", async () => {
    const { spiritId, buyer, orderId } = await soldOut(1);
    const added = await t.call("POST", `/api/v1/spirits/${spiritId}/variants`, {
      headers: shop.staff.headers,
      body: {
        name: "5 cl sample",
        sizeMl: 50,
        packaging: "sample",
        price: { amountMinor: 900, currency: "GBP" },
      },
    });
    expect(added.status).toBe(201);
    const sample = ((await added.json()) as { id: string }).id;
    await shop.receive(spiritId, 5, shop.loc("a"), { variantId: sample });
    const waiting = await shop.customer();
    expect((await join(waiting, spiritId)).status).toBe(201);
    expect((await shop.act(buyer, orderId, "cancel")).status).toBe(200);
    // The freed 70 cl is the line's, but samples are not: an ordinary buyer still gets one.
    const other = await shop.customer();
    const samples = await shop.order(other, [{ spiritId, quantity: 2, variantId: sample }]);
    expect(samples.status).toBe(201);
    const bottle = await orderOf(other, spiritId);
    expect(bottle.status).toBe(409);
    expect(bottle.body.code).toBe("sold-out");
    await noOversell(spiritId);
  });

  test("race: ordinary buyers firing with the cancellation get none of the earmarked bottles (0 oversold)", async () => {
    const { spiritId, buyer, orderId } = await soldOut(3);
    const waiters = [await shop.customer(), await shop.customer()];
    for (const w of waiters) expect((await join(w, spiritId)).status).toBe(201);
    const racers = await Promise.all(Array.from({ length: 12 }, () => shop.customer()));
    const results = await Promise.all([
      shop.act(buyer, orderId, "cancel").then((r) => r.status),
      ...racers.map((r) => orderOf(r, spiritId).then((o) => o.status)),
    ]);
    expect(results[0]).toBe(200);
    // Three freed, two earmarked: at most one ordinary buyer wins, the rest are told it is sold out.
    const won = results.slice(1).filter((s) => s === 201).length;
    expect(won).toBeLessThanOrEqual(1);
    expect(results.slice(1).every((s) => s === 201 || s === 409)).toBe(true);
    await advance(t);
    for (const w of waiters) expect((await mine(w, spiritId)).state).toBe("offered");
    const inv = await noOversell(spiritId);
    expect(inv.available).toBe(1 - won);
  });

  test("the line is strict: a head the free bottles do not cover waits, and so do those behind it", async () => {
    const { spiritId, buyer, orderId } = await soldOut(1);
    const head = await shop.customer();
    const next = await shop.customer();
    expect((await join(head, spiritId, 2)).status).toBe(201);
    expect((await join(next, spiritId, 1)).status).toBe(201);
    expect((await shop.act(buyer, orderId, "cancel")).status).toBe(200);
    await advance(t);
    expect((await mine(head, spiritId)).state).toBe("waiting");
    expect((await mine(next, spiritId)).state).toBe("waiting");
    expect((await orderOf(await shop.customer(), spiritId)).status).toBe(409);
    // A receipt covers the head: it is offered first, then the next.
    await shop.receive(spiritId, 2, shop.loc("a"));
    await advance(t);
    expect((await mine(head, spiritId)).state).toBe("offered");
    expect((await mine(next, spiritId)).state).toBe("offered");
    expect((await noOversell(spiritId)).available).toBe(0);
  });

  test("withdrawing gives the earmark up; an offered entry cannot be withdrawn", async () => {
    const { spiritId, buyer, orderId } = await soldOut(1);
    const w = await shop.customer();
    const v = await shop.customer();
    expect((await join(w, spiritId)).status).toBe(201);
    const left = await t.call("DELETE", `${path(spiritId)}/me`, { headers: w.headers });
    expect(left.status).toBe(200);
    expect(WaitlistEntrySchema.parse(await left.json())).toMatchObject({
      state: "withdrawn",
      position: null,
    });
    const twice = await t.call("DELETE", `${path(spiritId)}/me`, { headers: w.headers });
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ code: "conflict", entryState: "withdrawn" });
    expect((await shop.act(buyer, orderId, "cancel")).status).toBe(200);
    // No one waits: an ordinary buyer gets the bottle.
    expect((await orderOf(v, spiritId)).status).toBe(201);

    expect((await join(w, spiritId)).status).toBe(201);
    const vOrder = (await (await shop.get(v, "/api/v1/orders")).json()) as { items: { id: string }[] };
    expect((await shop.act(v, vOrder.items[0]!.id, "cancel")).status).toBe(200);
    await advance(t);
    expect((await mine(w, spiritId)).state).toBe("offered");
    const offered = await t.call("DELETE", `${path(spiritId)}/me`, { headers: w.headers });
    expect(offered.status).toBe(409);
    expect(await offered.json()).toMatchObject({ entryState: "offered" });
  });

  test("every route as every kind of caller", async () => {
    const { spiritId } = await soldOut(1);
    const owner = await shop.customer();
    const other = await shop.customer();
    const admin = await t.signIn("admin");
    expect((await join(owner, spiritId)).status).toBe(201);
    const routes = [
      ["POST", path(spiritId)],
      ["GET", `${path(spiritId)}/me`],
      ["DELETE", `${path(spiritId)}/me`],
      ["GET", path(spiritId)],
    ] as const;
    for (const [method, p] of routes) {
      const res = await t.call(
        method,
        p,
        method === "POST" ? { body: { quantity: 1, shipping: SHIPPING } } : {},
      );
      expect([method, p, res.status]).toEqual([method, p, 401]);
    }
    // Customer routes: staff and admins have no place in line.
    for (const who of [shop.staff, admin]) {
      expect((await join(who, spiritId)).status).toBe(403);
      expect((await shop.get(who, `${path(spiritId)}/me`)).status).toBe(403);
      expect((await t.call("DELETE", `${path(spiritId)}/me`, { headers: who.headers })).status).toBe(403);
    }
    // Another customer sees only their own entry (none), never the owner's.
    expect((await shop.get(other, `${path(spiritId)}/me`)).status).toBe(404);
    expect((await t.call("DELETE", `${path(spiritId)}/me`, { headers: other.headers })).status).toBe(404);
    expect((await mine(owner, spiritId)).state).toBe("waiting");
    // The staff list: staff and admins only.
    expect((await shop.get(owner, path(spiritId))).status).toBe(403);
    expect((await shop.get(other, path(spiritId))).status).toBe(403);
    expect((await shop.get(shop.staff, path(spiritId))).status).toBe(200);
    expect((await t.call("GET", path(spiritId), { headers: admin.headers })).status).toBe(200);
    expect((await shop.get(shop.staff, `${path(spiritId)}?cursor=x`)).status).toBe(422);
  });

  if (t.name === "bun") {
    test("an offer not paid in its window lapses and passes to the next in line", async () => {
      const clock = t.deps.clock as unknown as { advance(ms: number): void };
      const { spiritId, buyer, orderId } = await soldOut(1);
      const w1 = await shop.customer();
      const w2 = await shop.customer();
      expect((await join(w1, spiritId)).status).toBe(201);
      expect((await join(w2, spiritId)).status).toBe(201);
      expect((await shop.act(buyer, orderId, "cancel")).status).toBe(200);
      await advance(t);
      const offer = await mine(w1, spiritId);
      expect(offer.state).toBe("offered");
      expect(new Date(offer.offerExpiresAt!).getTime() - t.deps.clock.now().getTime()).toBe(
        t.deps.config.WAITLIST_OFFER_MINUTES * 60_000,
      );
      expect((await mine(w2, spiritId)).state).toBe("waiting");

      clock.advance(t.deps.config.WAITLIST_OFFER_MINUTES * 60_000 + 1_000);
      await shop.renewTokens();
      await advance(t);
      expect(await mine(w1, spiritId)).toMatchObject({ state: "lapsed", note: "order expired" });
      expect((await mine(w2, spiritId)).state).toBe("offered");
      expect((await noOversell(spiritId)).available).toBe(0);
    });

    test("the stock event of a cancellation moves the line without the periodic job", async () => {
      const { spiritId, buyer, orderId } = await soldOut(1);
      const w = await shop.customer();
      expect((await join(w, spiritId)).status).toBe(201);
      expect((await shop.act(buyer, orderId, "cancel")).status).toBe(200);
      await flushStockMarks(t.deps.client);
      // Only the dispatcher runs: the waitlists consumer gets stock.changed and offers the bottle.
      while ((await t.services.events.dispatch()).more);
      const offered = await mine(w, spiritId);
      expect(offered.state).toBe("offered");
      // The next round tells the customer (the offer's event is written by the round that placed it).
      while ((await t.services.events.dispatch()).more);
      const inbox = await shop.get(w, "/api/v1/customers/me/notifications");
      expect(inbox.status).toBe(200);
      const told = ((await inbox.json()) as { items: { topic: string; title: string; link: string }[] })
        .items;
      expect(told.filter((n) => n.topic === "waitlist_offer")).toHaveLength(1);
      expect(told.find((n) => n.topic === "waitlist_offer")?.link).toMatch(/^\/api\/v1\/orders\//);
    });

    test("a restart keeps the line and its earmark: a new process offers what the old one freed", async () => {
      const { spiritId, buyer, orderId } = await soldOut(1);
      const w = await shop.customer();
      expect((await join(w, spiritId)).status).toBe(201);
      expect((await shop.act(buyer, orderId, "cancel")).status).toBe(200);
      // A second process over the same database file, as after a restart: nothing in memory carries over.
      const next = await createTestApp({
        env: { DATABASE_URL: t.deps.config.DATABASE_URL },
        clock: t.deps.clock,
      });
      try {
        const fast = await next.signIn("customer");
        await next.deps.client.execute({
          sql: "UPDATE customers SET date_of_birth = '1980-04-01', country = 'GB', region = 'GB-SCT' WHERE id = ?",
          args: [fast.id],
        });
        const grab = await next.call("POST", "/api/v1/orders", {
          headers: fast.headers,
          body: { items: [{ spiritId, quantity: 1 }], shipping: SHIPPING },
        });
        expect(grab.status).toBe(409);
        await next.services.waitlists.advanceDue();
        const entry = await next.call("GET", `${path(spiritId)}/me`, { headers: w.headers });
        expect(WaitlistEntrySchema.parse(await entry.json()).state).toBe("offered");
      } finally {
        next.close();
      }
    });
  }
});
