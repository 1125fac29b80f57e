/**
 * Customer signals through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in
 * workerd). Times are read from the target's clock: the Bun target's TestClock, the Worker's real time.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { count, eq } from "drizzle-orm";
import { recommendationQueue } from "../../src/db/schema/recommendations.ts";
import { interactions } from "../../src/db/schema/signals.ts";
import {
  InteractionListSchema,
  PurchaseListSchema,
} from "../../src/modules/interactions/interactions.schemas.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets, letTimePass } from "../support/targets.ts";
import { waitFor } from "../support/wait-for.ts";

type Caller = { id: string; headers: Record<string, string> };

/** An ISO time between two others (equal to both on a clock that stands still). */
const between = (at: string | undefined, from: string, to: string) =>
  expect([from <= (at ?? ""), (at ?? "") <= to]).toEqual([true, true]);

describeTargets("customer signals", (t) => {
  let shop: Shop;
  let spiritA: string;
  let spiritB: string;
  const now = () => t.deps.clock.now();

  beforeAll(async () => {
    shop = await openShop(t);
    spiritA = await shop.spirit({ name: "Signal Malt A" });
    spiritB = await shop.spirit({ name: "Signal Malt B" });
  });

  const record = (who: Caller, events: unknown[], id = "me") =>
    t.call("POST", `/api/v1/customers/${id}/interactions`, { headers: who.headers, body: { events } });

  async function list(who: Caller, query = "", id = "me") {
    const res = await t.call("GET", `/api/v1/customers/${id}/interactions${query}`, { headers: who.headers });
    expect(res.status).toBe(200);
    return InteractionListSchema.parse(await res.json());
  }

  async function rowsOf(customerId: string) {
    const [row] = await t.deps.db
      .select({ n: count() })
      .from(interactions)
      .where(eq(interactions.customerId, customerId));
    return row?.n ?? 0;
  }

  describe("recording what customers look at", () => {
    test("a batch is recorded in one go and listed newest first", async () => {
      const c = await t.signIn("customer");
      const res = await record(c, [
        { kind: "view", spiritId: spiritA, durationMs: 5400, context: "product-page" },
        { kind: "click", spiritId: spiritB, context: "recommendations", position: 2 },
        { kind: "add_to_wishlist", spiritId: spiritB },
      ]);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ recorded: 3, duplicates: 0 });
      const page = await list(c);
      expect(page.items.map((i) => i.kind)).toEqual(["add_to_wishlist", "click", "view"]);
      expect(page.items[1]).toMatchObject({
        spiritId: spiritB,
        source: "client",
        detail: { context: "recommendations", position: 2 },
      });
      // Recording queued the customer's recommendations for a refresh; nothing was computed.
      const queued = await t.deps.db.query.recommendationQueue.findFirst({
        where: eq(recommendationQueue.customerId, c.id),
      });
      expect(queued?.reason).toBe("signal:view");
      expect(await t.deps.db.query.recommendationCache.findFirst()).toBeUndefined();
    });

    test("an event sent twice with the same eventId is recorded once", async () => {
      const c = await t.signIn("customer");
      const event = { kind: "view", spiritId: spiritA, eventId: "evt-0001-abcdef" };
      expect(await (await record(c, [event])).json()).toEqual({ recorded: 1, duplicates: 0 });
      expect(await (await record(c, [event, { ...event, eventId: "evt-0002-abcdef" }])).json()).toEqual({
        recorded: 1,
        duplicates: 1,
      });
      expect(await rowsOf(c.id)).toBe(2);
    });

    test("the client's own time is kept when it is plausible", async () => {
      const c = await t.signIn("customer");
      const before = now().toISOString();
      const at = new Date(now().getTime() - 60_000).toISOString();
      await record(c, [{ kind: "view", spiritId: spiritA, occurredAt: at }]);
      const [item] = (await list(c)).items;
      expect(item?.occurredAt).toBe(at);
      between(item?.recordedAt, before, now().toISOString());
    });

    test.each([
      ["no events", [], "events"],
      ["101 events", Array.from({ length: 101 }, () => ({ kind: "view", spiritId: "x" })), "events"],
      ["a kind only the server records", [{ kind: "purchase", spiritId: "x" }], "events.0.kind"],
      ["an unknown field", [{ kind: "view", spiritId: "x", price: 3 }], "events.0"],
      [
        "a time that is not ISO-8601",
        [{ kind: "view", spiritId: "x", occurredAt: "yesterday" }],
        "events.0.occurredAt",
      ],
    ])("%s is a 422 and records nothing", async (_what, events, path) => {
      const c = await t.signIn("customer");
      const res = await record(c, events);
      expect(res.status).toBe(422);
      const errors = ((await res.json()) as { errors: { path: string }[] }).errors;
      expect(errors.some((e) => e.path.startsWith(path))).toBe(true);
      expect(await rowsOf(c.id)).toBe(0);
    });

    test("one unknown spirit or an implausible time refuses the whole batch, naming the event", async () => {
      const c = await t.signIn("customer");
      const future = new Date(now().getTime() + 3_600_000).toISOString();
      const ancient = new Date(now().getTime() - 90 * 86_400_000).toISOString();
      const res = await record(c, [
        { kind: "view", spiritId: spiritA },
        { kind: "click", spiritId: "spr_does_not_exist" },
        { kind: "view", spiritId: spiritA, occurredAt: future },
        { kind: "view", spiritId: spiritA, occurredAt: ancient },
      ]);
      expect(res.status).toBe(422);
      const errors = ((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
      expect(errors).toEqual(["events.1.spiritId", "events.2.occurredAt", "events.3.occurredAt"]);
      expect(await rowsOf(c.id)).toBe(0);
    });

    test("a customer reaches only their own signals; staff reach anyone's", async () => {
      const c = await t.signIn("customer");
      const other = await t.signIn("customer");
      await record(c, [{ kind: "view", spiritId: spiritA }]);
      expect((await record(other, [{ kind: "view", spiritId: spiritA }], c.id)).status).toBe(404);
      expect(
        (await t.call("GET", `/api/v1/customers/${c.id}/interactions`, { headers: other.headers })).status,
      ).toBe(404);
      expect((await t.call("GET", "/api/v1/customers/me/interactions")).status).toBe(401);
      expect((await list(shop.staff as Caller, "", c.id)).items).toHaveLength(1);
      expect(
        (await record(shop.staff as Caller, [{ kind: "view", spiritId: spiritA }], "cus_nobody")).status,
      ).toBe(404);
    });

    test("lists page with a cursor and filter by kind", async () => {
      const c = await t.signIn("customer");
      await record(
        c,
        Array.from({ length: 5 }, (_, k) => ({ kind: k % 2 ? "click" : "view", spiritId: spiritA })),
      );
      const first = await list(c, "?limit=2");
      expect(first.items).toHaveLength(2);
      const second = await list(c, `?limit=2&cursor=${first.nextCursor}`);
      const third = await list(c, `?limit=2&cursor=${second.nextCursor}`);
      expect(third.nextCursor).toBeNull();
      const ids = [...first.items, ...second.items, ...third.items].map((i) => i.id);
      expect(new Set(ids).size).toBe(5);
      expect((await list(c, "?kind=click")).items).toHaveLength(2);
      expect(
        (await t.call("GET", "/api/v1/customers/me/interactions?kind=sniff", { headers: c.headers })).status,
      ).toBe(422);
    });
  });

  describe("what the server records itself", () => {
    test("a review becomes a `review` signal carrying its rating", async () => {
      const c = await t.signIn("customer");
      await t.call("POST", `/api/v1/spirits/${spiritA}/reviews`, {
        headers: c.headers,
        body: { rating: 4, body: "Honeyed and round, with a little spice at the end of it." },
      });
      const [item] = (await list(c)).items;
      expect(item).toMatchObject({ kind: "review", spiritId: spiritA, value: 4, source: "server" });
    });

    test("wishlist changes are signals, and a changed taste queues a refresh", async () => {
      const c = await t.signIn("customer");
      const wish = await t.call("POST", "/api/v1/customers/me/wishlist", {
        headers: c.headers,
        body: { spiritId: spiritB },
      });
      expect(wish.status).toBe(201);
      // Adding twice is harmless and no second signal.
      await t.call("POST", "/api/v1/customers/me/wishlist", {
        headers: c.headers,
        body: { spiritId: spiritB },
      });
      expect(
        (await t.call("DELETE", `/api/v1/customers/me/wishlist/${spiritB}`, { headers: c.headers })).status,
      ).toBe(204);
      await t.call("DELETE", `/api/v1/customers/me/wishlist/${spiritB}`, { headers: c.headers });
      expect((await list(c)).items.map((i) => [i.kind, i.spiritId, i.source])).toEqual([
        ["wishlist_remove", spiritB, "server"],
        ["wishlist_add", spiritB, "server"],
      ]);

      const fresh = await t.signIn("customer");
      const queued = () =>
        t.deps.db.query.recommendationQueue.findFirst({
          where: eq(recommendationQueue.customerId, fresh.id),
        });
      expect(await queued()).toBeUndefined();
      const patched = await t.call("PATCH", "/api/v1/customers/me", {
        headers: { ...fresh.headers, "Content-Type": "application/merge-patch+json" },
        body: { preferences: { flavourProfile: { smoky: 4 } } },
      });
      expect(patched.status).toBe(200);
      expect((await queued())?.reason).toBe("profile");
    });

    test("a signed-in customer's search becomes a `search` signal, once", async () => {
      const c = await t.signIn("customer");
      const res = await t.call("GET", "/api/v1/spirits?q=signal%20malt", { headers: c.headers });
      expect(res.status).toBe(200);
      // The search module writes its history just after answering.
      const written = async () => {
        const { items } = await list(c, "?kind=search");
        return items.length > 0 && items;
      };
      const items = await waitFor(written, { what: "the search signal" });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ kind: "search", value: 2, detail: { query: "signal malt" } });
      await t.services.interactions.syncServerSignals();
      expect((await list(c, "?kind=search")).items).toHaveLength(1);
    });

    test("a confirmed order becomes one `purchase` per line, once, and shows in the purchase history", async () => {
      await shop.receive(spiritA, 10);
      await shop.receive(spiritB, 10);
      const buyer = await shop.customer();
      const placed = await shop.order(buyer, [
        { spiritId: spiritA, quantity: 2 },
        { spiritId: spiritB, quantity: 1 },
      ]);
      const orderId = ((await placed.json()) as { id: string }).id;
      // Another order left unpaid and one cancelled: neither is a purchase.
      await shop.order(buyer, [{ spiritId: spiritB, quantity: 1 }]);
      const cancelled = (
        (await (await shop.order(buyer, [{ spiritId: spiritA, quantity: 1 }])).json()) as { id: string }
      ).id;
      await shop.act(buyer, cancelled, "cancel");

      const purchasesOf = async () => {
        const res = await t.call("GET", "/api/v1/customers/me/purchases", { headers: buyer.headers });
        expect(res.status).toBe(200);
        return PurchaseListSchema.parse(await res.json());
      };
      expect((await purchasesOf()).items).toEqual([]);
      await letTimePass(t, 60_000);
      const confirmedFrom = now().toISOString();
      expect((await shop.act(shop.staff, orderId, "confirm")).status).toBe(200);
      const confirmedBy = now().toISOString();

      const purchases = await purchasesOf();
      expect(purchases.items.map((p) => [p.spiritId, p.quantity]).sort()).toEqual(
        [
          [spiritA, 2],
          [spiritB, 1],
        ].sort(),
      );
      expect(purchases.items[0]).toMatchObject({
        orderId,
        orderStatus: "confirmed",
        unitPrice: { amountMinor: 12000, currency: "GBP" },
      });
      between(purchases.items[0]?.purchasedAt, confirmedFrom, confirmedBy);

      const signals = async () => (await list(buyer, "?kind=purchase")).items;
      expect((await signals()).map((s) => s.spiritId).sort()).toEqual([spiritA, spiritB].sort());
      // Syncing again (from another process, or the next tick) adds nothing.
      await t.services.interactions.syncServerSignals();
      expect(await signals()).toHaveLength(2);
      expect(
        (
          await t.call("GET", `/api/v1/customers/${buyer.id}/purchases`, {
            headers: (await t.signIn("customer")).headers,
          })
        ).status,
      ).toBe(404);
      expect(
        (await t.call("GET", `/api/v1/customers/${buyer.id}/purchases`, { headers: shop.staff.headers }))
          .status,
      ).toBe(200);
    });
  });
});
