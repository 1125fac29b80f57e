/**
 * Every listed change writes its event in the same batch as the change, and a refused change writes none.
 * Each event read back passes its payload schema (the contract, domain-events.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { EVENT_PAYLOADS, type EventType } from "../../src/modules/events/domain-events.ts";
import { flushStockMarks } from "../../src/stock/stock-outbox.ts";
import { openShop, type Shop, TEST_ADDRESS } from "../orders/shop.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

const clock = new TestClock();
let app: TestApp;
let shop: Shop;
beforeAll(async () => {
  app = await createTestApp({ clock });
  shop = await openShop(app);
});
afterAll(() => app.close());

type Row = { seq: number; type: EventType; subject: string; payload: Record<string, unknown> };

/** The outbox's events for `subject`, oldest first, each checked against its schema. */
async function eventsOf(subject: string, type?: EventType): Promise<Row[]> {
  const rs = await app.deps.client.execute({
    sql: "SELECT seq, type, subject, payload FROM outbox_events WHERE subject = ? ORDER BY seq",
    args: [subject],
  });
  const rows = rs.rows.map((r) => {
    const type = String(r.type) as EventType;
    const payload = EVENT_PAYLOADS[type].parse(JSON.parse(String(r.payload))) as Record<string, unknown>;
    return { seq: Number(r.seq), type, subject: String(r.subject), payload };
  });
  return type ? rows.filter((r) => r.type === type) : rows;
}

const types = async (subject: string) => (await eventsOf(subject)).map((e) => e.type);

/** How many events of the type the whole outbox holds: a refused change must not add one anywhere. */
async function countOf(type: EventType): Promise<number> {
  const rs = await app.deps.client.execute({
    sql: "SELECT COUNT(*) AS n FROM outbox_events WHERE type = ?",
    args: [type],
  });
  return Number(rs.rows[0]!.n);
}

describe("catalog", () => {
  test("create, update (naming the fields), price change, release; nothing for a no-op or a refused patch", async () => {
    const id = await shop.spirit({ status: "announced" });
    expect(await eventsOf(id)).toMatchObject([{ type: "spirit.created", payload: { spiritId: id } }]);
    const patch = (body: unknown) =>
      app.call("PATCH", `/api/v1/spirits/${id}`, {
        headers: { ...shop.staff.headers, "Content-Type": "application/merge-patch+json" },
        body,
      });
    expect((await patch({ abv: 46 })).status).toBe(200);
    expect((await patch({ abv: -3 })).status).toBe(422);
    expect(await types(id)).toEqual(["spirit.created"]);

    expect((await patch({ price: { amountMinor: 9900, currency: "GBP" }, status: "available" })).status).toBe(
      200,
    );
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual([
      "spirit.created",
      "spirit.updated",
      "spirit.price_changed",
      "spirit.released",
    ]);
    expect(events[1]!.payload.fields).toEqual(expect.arrayContaining(["priceMinor", "status"]));
    expect(events[2]!.payload).toEqual({
      spiritId: id,
      previous: { amount: 12000, currency: "GBP" },
      price: { amount: 9900, currency: "GBP" },
    });
    const batch = await shop.batch(id);
    expect(batch).toStartWith("bat_");
    expect((await eventsOf(id)).at(-1)).toMatchObject({
      type: "spirit.updated",
      payload: { fields: ["batches"] },
    });
  });

  test("a review approved at once is published", async () => {
    const id = await shop.spirit();
    const c = await shop.customer();
    const res = await app.call("POST", `/api/v1/spirits/${id}/reviews`, {
      headers: c.headers,
      body: {
        rating: 5,
        body: "Peat smoke and iodine up front, then smoked pear and sea salt. A long finish.",
      },
    });
    expect(res.status).toBe(201);
    const review = (await res.json()) as { id: string; status: string };
    expect(review.status).toBe("approved");
    expect(await eventsOf(review.id)).toMatchObject([
      { type: "review.published", payload: { reviewId: review.id, spiritId: id } },
    ]);
  });

  test("a review held for staff is published when staff approve it, once", async () => {
    const id = await shop.spirit();
    const c = await shop.customer();
    const res = await app.call("POST", `/api/v1/spirits/${id}/reviews`, {
      headers: c.headers,
      body: { rating: 2, body: "Meh." },
    });
    const review = (await res.json()) as { id: string; status: string };
    expect(review.status).toBe("pending");
    expect(await eventsOf(review.id)).toEqual([]);
    const moderate = (decision: string) =>
      app.call("POST", `/api/v1/spirits/${id}/reviews/${review.id}/moderation`, {
        headers: shop.staff.headers,
        body: { decision },
      });
    expect((await moderate("approve")).status).toBe(200);
    expect((await moderate("approve")).status).toBe(200);
    expect(await types(review.id)).toEqual(["review.published"]);
  });
});

describe("refused changes write no event", () => {
  test("spirits: a bad or unauthorised create, price change or release", async () => {
    const created = await countOf("spirit.created");
    const bad = await app.call("POST", "/api/v1/spirits", {
      headers: shop.staff.headers,
      body: { name: "" },
    });
    expect(bad.status).toBe(422);
    const c = await shop.customer();
    const body = { name: "Not Yours", brand: "X", distillery: "X", type: "scotch", country: "GB", abv: 40 };
    expect((await app.call("POST", "/api/v1/spirits", { headers: c.headers, body })).status).toBe(403);
    expect(await countOf("spirit.created")).toBe(created);

    const id = await shop.spirit({ status: "announced" });
    const patch = (body: unknown, headers = shop.staff.headers) =>
      app.call("PATCH", `/api/v1/spirits/${id}`, {
        headers: { ...headers, "Content-Type": "application/merge-patch+json" },
        body,
      });
    expect((await patch({ price: { amountMinor: -5, currency: "GBP" } })).status).toBe(422);
    expect(
      (await patch({ price: { amountMinor: 500, currency: "GBP" }, status: "available" }, c.headers)).status,
    ).toBe(403);
    expect((await patch({ price: { amountMinor: 500, currency: "GBP" }, status: "sideways" })).status).toBe(
      422,
    );
    expect(await types(id)).toEqual(["spirit.created"]);
  });

  test("orders: a wrong payment, shipping unpaid, cancelling shipped, a refund with nothing paid, expiry early", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 3);
    const c = await shop.customer();
    const place = async () =>
      (await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json()) as {
        id: string;
        total: { amountMinor: number; currency: string };
      };
    const order = await place();
    const wrong = await app.call("POST", `/api/v1/orders/${order.id}/payments`, {
      headers: shop.staff.headers,
      body: { ...order.total, amountMinor: order.total.amountMinor + 1, reference: "till 3" },
    });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect((await shop.act(c, order.id, "confirm")).status).toBe(403);
    expect((await shop.act(shop.staff, order.id, "ship")).status).toBe(409);
    // The reaper before the hold lapses expires nothing.
    await app.services.orders.expireDue();
    expect(await types(order.id)).toEqual(["order.placed"]);

    // Cancelled unpaid: no refund; a repeated cancel (answered as the first) and the reaper add nothing.
    expect((await shop.act(c, order.id, "cancel")).status).toBe(200);
    expect((await shop.act(c, order.id, "cancel")).status).toBe(200);
    clock.advance(60 * 60_000);
    await app.services.orders.expireDue();
    await shop.renewTokens();
    expect(await types(order.id)).toEqual(["order.placed", "order.cancelled"]);

    // Shipped: it cannot be cancelled (no cancellation, no refund); shipping it again adds no shipment.
    const shipped = await place();
    await app.call("POST", `/api/v1/orders/${shipped.id}/payments`, {
      headers: shop.staff.headers,
      body: { ...shipped.total, reference: "till 4" },
    });
    expect((await shop.act(shop.staff, shipped.id, "ship")).status).toBe(200);
    expect((await shop.act(shop.staff, shipped.id, "cancel")).status).toBe(409);
    expect((await shop.act(shop.staff, shipped.id, "ship")).status).toBe(200);
    expect(await types(shipped.id)).toEqual(["order.placed", "order.paid", "order.shipped"]);
  });

  test("reviews: a rejected review is never published", async () => {
    const id = await shop.spirit();
    const c = await shop.customer();
    const res = await app.call("POST", `/api/v1/spirits/${id}/reviews`, {
      headers: c.headers,
      body: { rating: 1, body: "Meh." },
    });
    const review = (await res.json()) as { id: string; status: string };
    expect(review.status).toBe("pending");
    const moderate = (decision: string, headers = shop.staff.headers) =>
      app.call("POST", `/api/v1/spirits/${id}/reviews/${review.id}/moderation`, {
        headers,
        body: { decision },
      });
    expect((await moderate("approve", c.headers)).status).toBe(403);
    expect((await moderate("reject")).status).toBe(200);
    expect(await eventsOf(review.id)).toEqual([]);
  });
});

describe("orders", () => {
  test("placed, paid, shipped; none for an order refused for stock", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 2);
    const c = await shop.customer();
    const refused = await shop.order(c, [{ spiritId: s, quantity: 3 }]);
    expect(refused.status).toBe(409);
    const placed = await shop.order(c, [{ spiritId: s, quantity: 2 }]);
    expect(placed.status).toBe(201);
    const order = (await placed.json()) as { id: string; total: { amountMinor: number; currency: string } };
    const pay = await app.call("POST", `/api/v1/orders/${order.id}/payments`, {
      headers: shop.staff.headers,
      body: { ...order.total, reference: "till 1" },
    });
    expect(pay.status).toBe(201);
    expect((await shop.act(shop.staff, order.id, "ship")).status).toBe(200);
    const events = await eventsOf(order.id);
    expect(events.map((e) => e.type)).toEqual(["order.placed", "order.paid", "order.shipped"]);
    for (const e of events) expect(e.payload).toMatchObject({ orderId: order.id, customerId: c.id });
    expect(String(events[2]!.payload.shipmentId)).toStartWith("shp_");
    // Only one order was placed for the spirit: the refused one wrote nothing.
    const mine = await app.deps.client.execute({
      sql: "SELECT COUNT(*) AS n FROM outbox_events WHERE type = 'order.placed' AND json_extract(payload, '$.customerId') = ?",
      args: [c.id],
    });
    expect(Number(mine.rows[0]!.n)).toBe(1);
  });

  test("paid then cancelled is cancelled and refunded (with the amount)", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 2);
    const c = await shop.customer();
    const order = (await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json()) as {
      id: string;
      total: { amountMinor: number; currency: string };
    };
    await app.call("POST", `/api/v1/orders/${order.id}/payments`, {
      headers: shop.staff.headers,
      body: { ...order.total, reference: "till 2" },
    });
    expect((await shop.act(shop.staff, order.id, "cancel")).status).toBe(200);
    const events = await eventsOf(order.id);
    expect(events.map((e) => e.type)).toEqual([
      "order.placed",
      "order.paid",
      "order.cancelled",
      "order.refunded",
    ]);
    expect(events[3]!.payload.refund).toEqual({
      amount: order.total.amountMinor,
      currency: order.total.currency,
    });
  });

  test("a lapsed hold's order is expired by the reaper", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 1);
    const c = await shop.customer();
    const order = (await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json()) as { id: string };
    clock.advance(60 * 60_000);
    await app.services.orders.expireDue();
    expect(await types(order.id)).toEqual(["order.placed", "order.expired"]);
    await shop.renewTokens();
  });
});

describe("stock", () => {
  test("many commits between two flushes are one stock.changed; back in stock after selling out", async () => {
    const s = await shop.spirit();
    await flushStockMarks(app.deps.client);
    await shop.receive(s, 1);
    await shop.receive(s, 1);
    await flushStockMarks(app.deps.client);
    expect(await eventsOf(s, "stock.changed")).toMatchObject([{ payload: { spiritId: s, available: 2 } }]);
    // Nothing changed: the next flush writes nothing.
    await flushStockMarks(app.deps.client);
    expect(await eventsOf(s, "stock.changed")).toHaveLength(1);

    const c = await shop.customer();
    const order = (await (await shop.order(c, [{ spiritId: s, quantity: 2 }])).json()) as { id: string };
    await flushStockMarks(app.deps.client);
    expect((await eventsOf(s, "stock.changed")).at(-1)!.payload.available).toBe(0);
    expect(await eventsOf(s, "stock.back_in_stock")).toHaveLength(0);
    // A refused order writes no mark.
    expect((await shop.order(c, [{ spiritId: s, quantity: 1 }])).status).toBe(409);
    const marks = await app.deps.client.execute({
      sql: "SELECT dirty FROM stock_event_marks WHERE spirit_id = ?",
      args: [s],
    });
    expect(Number(marks.rows[0]!.dirty)).toBe(0);

    expect((await shop.act(c, order.id, "cancel")).status).toBe(200);
    await flushStockMarks(app.deps.client);
    expect(await eventsOf(s, "stock.back_in_stock")).toMatchObject([
      { payload: { spiritId: s, available: 2 } },
    ]);
    const versions = (await eventsOf(s, "stock.changed")).map((e) => Number(e.payload.version));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });
});

describe("releases", () => {
  const HOUR = 3_600_000;
  const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
  let street = 0;
  const enter = (who: { headers: Record<string, string> }, releaseId: string) =>
    app.call("POST", `/api/v1/releases/${releaseId}/entries`, {
      headers: who.headers,
      body: {
        shipping: { ...TEST_ADDRESS, lines: [`${++street} Still Lane`], country: "GB", region: "GB-SCT" },
      },
    });
  async function ballot(allocation = 1) {
    const spiritId = await shop.spirit();
    await shop.receive(spiritId, 3, shop.loc("a"));
    const res = await app.call("POST", "/api/v1/releases", {
      headers: shop.staff.headers,
      body: {
        spiritId,
        name: "Event Ballot",
        mode: "ballot",
        allocation,
        opensAt: at(-HOUR),
        closesAt: at(HOUR),
      },
    });
    expect(res.status).toBe(201);
    return { spiritId, releaseId: ((await res.json()) as { id: string }).id };
  }

  test("created; none for a refused one", async () => {
    const before = await countOf("release.created");
    const spiritId = await shop.spirit();
    const body = {
      spiritId,
      name: "Drop",
      mode: "first_come",
      allocation: 2,
      opensAt: at(HOUR),
      closesAt: at(2 * HOUR),
    };
    const c = await shop.customer();
    expect((await app.call("POST", "/api/v1/releases", { headers: c.headers, body })).status).toBe(403);
    const backwards = { ...body, opensAt: at(3 * HOUR) };
    expect(
      (await app.call("POST", "/api/v1/releases", { headers: shop.staff.headers, body: backwards })).status,
    ).toBe(422);
    const unknown = { ...body, spiritId: "spr_nope" };
    expect(
      (await app.call("POST", "/api/v1/releases", { headers: shop.staff.headers, body: unknown })).status,
    ).toBe(422);
    expect(await countOf("release.created")).toBe(before);
    const res = await app.call("POST", "/api/v1/releases", { headers: shop.staff.headers, body });
    const { id } = (await res.json()) as { id: string };
    expect(await eventsOf(id)).toMatchObject([
      { type: "release.created", payload: { releaseId: id, spiritId, mode: "first_come" } },
    ]);
  });

  test("a ballot: drawn and won once each (none for an early or repeated draw), closed once when settled", async () => {
    const { spiritId, releaseId } = await ballot(1);
    const buyers = [await shop.customer(), await shop.customer()];
    for (const b of buyers) expect((await enter(b, releaseId)).status).toBe(201);
    const draw = () =>
      app.call("POST", `/api/v1/releases/${releaseId}/draw`, { headers: shop.staff.headers });
    expect((await draw()).status).toBe(409);
    expect(await types(releaseId)).toEqual(["release.created"]);

    clock.advance(2 * HOUR);
    await shop.renewTokens();
    expect((await draw()).status).toBe(200);
    expect((await draw()).status).toBe(409);
    await app.services.ballots.settleDue();
    const events = await eventsOf(releaseId);
    expect(events.map((e) => e.type)).toEqual(["release.created", "release.drawn", "release.won"]);
    expect(events[1]!.payload).toEqual({ releaseId, spiritId, winners: 1 });
    const won = events[2]!.payload as { customerId: string; orderId: string };
    expect(buyers.map((b) => b.id)).toContain(won.customerId);

    expect((await shop.act(shop.staff, won.orderId, "confirm")).status).toBe(200);
    await app.services.ballots.settleDue();
    await app.services.ballots.settleDue();
    expect(await types(releaseId)).toEqual([
      "release.created",
      "release.drawn",
      "release.won",
      "release.closed",
    ]);
  }, 20_000);

  test("opened and closed when the window's edges pass, once each; a ballot closes when it settles", async () => {
    const spiritId = await shop.spirit();
    const res = await app.call("POST", "/api/v1/releases", {
      headers: shop.staff.headers,
      body: {
        spiritId,
        name: "Timed",
        mode: "first_come",
        allocation: 2,
        opensAt: at(HOUR),
        closesAt: at(2 * HOUR),
      },
    });
    const { id } = (await res.json()) as { id: string };
    const announce = () => app.services.releases.announceWindows();
    await announce();
    expect(await types(id)).toEqual(["release.created"]);
    expect(await eventsOf(spiritId, "spirit.released")).toEqual([]);
    clock.advance(HOUR);
    await announce();
    await announce();
    expect(await eventsOf(id)).toMatchObject([
      { type: "release.created" },
      { type: "release.opened", payload: { releaseId: id, spiritId } },
    ]);
    // The spirit goes on sale in the release: once, naming it.
    expect(await eventsOf(spiritId, "spirit.released")).toMatchObject([
      { type: "spirit.released", payload: { spiritId, releaseId: id } },
    ]);
    clock.advance(HOUR);
    await announce();
    await announce();
    expect(await types(id)).toEqual(["release.created", "release.opened", "release.closed"]);

    // A ballot past its close: opened, but closed only by its settling (the test above).
    const { releaseId } = await ballot(1);
    clock.advance(2 * HOUR);
    await shop.renewTokens();
    await announce();
    expect(await types(releaseId)).toEqual(["release.created", "release.opened"]);
    // A ballot's opening sells nothing (its winners are drawn): no spirit.released.
    const ballotSpirit = String(
      (
        await app.deps.client.execute({
          sql: "SELECT spirit_id FROM releases WHERE id = ?",
          args: [releaseId],
        })
      ).rows[0]?.spirit_id,
    );
    expect(await eventsOf(ballotSpirit, "spirit.released")).toEqual([]);
  });

  test("settling is one batch with its release.closed: a failure on the way keeps neither", async () => {
    const { releaseId } = await ballot(1);
    const buyer = await shop.customer();
    expect((await enter(buyer, releaseId)).status).toBe(201);
    clock.advance(2 * HOUR);
    await shop.renewTokens();
    await app.services.ballots.settleDue();
    const won = (await eventsOf(releaseId, "release.won"))[0]!.payload as { orderId: string };
    expect((await shop.act(shop.staff, won.orderId, "confirm")).status).toBe(200);
    // The event's write fails (as a crash between two batches would leave it): nothing may be settled.
    await app.deps.client.execute(`CREATE TRIGGER fail_release_closed BEFORE INSERT ON outbox_events
      WHEN NEW.type = 'release.closed' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    try {
      await expect(app.services.ballots.settleDue()).rejects.toThrow();
    } finally {
      await app.deps.client.execute("DROP TRIGGER fail_release_closed");
    }
    const view = await (await app.call("GET", `/api/v1/releases/${releaseId}`)).json();
    expect(view.ballot.settledAt).toBeNull();
    await app.services.ballots.settleDue();
    expect(await eventsOf(releaseId, "release.closed")).toHaveLength(1);
  }, 20_000);
});

describe("waitlists", () => {
  test("offered: one event per offer, with its order and window; none for a refused join or a repeat", async () => {
    const spiritId = await shop.spirit();
    await shop.receive(spiritId, 1, shop.loc("a"));
    const buyer = await shop.customer();
    const bought = (await (await shop.order(buyer, [{ spiritId, quantity: 1 }])).json()) as { id: string };
    const join = (who: { headers: Record<string, string> }) =>
      app.call("POST", `/api/v1/spirits/${spiritId}/waitlist`, {
        headers: who.headers,
        body: { quantity: 1, shipping: { ...TEST_ADDRESS, country: "GB", region: "GB-SCT" } },
      });
    const before = await countOf("waitlist.offered");
    const w = await shop.customer();
    const entry = (await (await join(w)).json()) as { id: string };
    // Joining twice is refused, and nothing is offered while nothing is freed.
    expect((await join(w)).status).toBe(409);
    await app.services.waitlists.advanceDue();
    expect(await countOf("waitlist.offered")).toBe(before);

    expect((await shop.act(buyer, bought.id, "cancel")).status).toBe(200);
    await app.services.waitlists.advanceDue();
    await app.services.waitlists.advanceDue();
    const events = await eventsOf(entry.id, "waitlist.offered");
    expect(events).toHaveLength(1);
    const mine = (await (
      await app.call("GET", `/api/v1/spirits/${spiritId}/waitlist/me`, { headers: w.headers })
    ).json()) as {
      orderId: string;
      offerExpiresAt: string;
    };
    expect(events[0]!.payload).toEqual({
      entryId: entry.id,
      spiritId,
      customerId: w.id,
      orderId: mine.orderId,
      quantity: 1,
      payBy: mine.offerExpiresAt,
    });
  });
});

/** Types whose producer is tested elsewhere, or that nothing produces yet (say why). */
const NOT_HERE: Partial<Record<EventType, string>> = {
  "hold.expiring": "test/notifications/hold-expiring.test.ts",
  "release.admitted": "test/releases/queue.test.ts (the admission's inbox entry comes through the outbox)",
};

test("every event type was produced by a real change above (a new type needs its test here)", async () => {
  const rs = await app.deps.client.execute("SELECT DISTINCT type FROM outbox_events");
  const seen = new Set(rs.rows.map((r) => String(r.type)));
  const missing = Object.keys(EVENT_PAYLOADS).filter((t) => !seen.has(t) && !(t in NOT_HERE));
  expect(missing).toEqual([]);
});
