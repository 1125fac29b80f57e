import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { StockMessageSchema } from "../../src/stock/messages.ts";
import { createReaper } from "../../src/stock/reaper.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { ManualTimers } from "../support/manual-timers.ts";
import type { TestClock } from "../support/test-app.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  increasing,
  SseClient as Sse,
  type SseClient,
  type StockServer,
  startStockServer,
  WatchClient,
} from "./support.ts";

let srv: StockServer;
let shop: Shop;
beforeAll(async () => {
  srv = await startStockServer();
  shop = await openShop(srv);
});
afterAll(() => srv.stop());

const clock = () => srv.clock as TestClock;
const staffToken = () => shop.staff.headers.Authorization!.slice("Bearer ".length);
const current = (spiritId: string) => srv.services.inventory.stockSnapshot(spiritId);

/** Waits for the hub to reach these figures: closing is asynchronous on both ends. */
async function settled(expected: ReturnType<StockServer["hub"]["stats"]>) {
  const same = () => JSON.stringify(srv.hub.stats()) === JSON.stringify(expected);
  // On a timeout, the comparison below shows what differs.
  await waitFor(same, { what: "the hub's figures" }).catch(() => {});
  expect(srv.hub.stats()).toEqual(expected);
}

describe("every committed change reaches every watcher, in version order", () => {
  test("an order, a cancellation, an expiry and a staff receipt, on WebSockets, the multi-spirit socket and SSE", async () => {
    const s = await shop.spirit({ holdMinutes: 15 });
    await shop.receive(s, 10);
    const start = await current(s);

    const sockets = await Promise.all([
      WatchClient.open(`${srv.wsBase}/api/v1/spirits/${s}/stock/ws`),
      WatchClient.open(`${srv.wsBase}/api/v1/spirits/${s}/stock/ws`),
      WatchClient.open(`${srv.wsBase}/api/v1/spirits/${s}/stock/ws?token=${staffToken()}`),
    ]);
    const multi = await WatchClient.open(`${srv.wsBase}/api/v1/stock/ws`);
    multi.send({ type: "subscribe", spiritIds: [s] });
    const sse: SseClient = await Sse.open(`${srv.base}/api/v1/spirits/${s}/stock/events`);
    expect(sse.response.headers.get("Content-Type")).toStartWith("text/event-stream");
    const everyone = [...sockets, multi];

    // Waits for a version newer than the last one everyone reached, and checks what it says.
    let reached = start.version;
    const reachEveryone = async (expectedAvailable: number) => {
      const next = reached + 1;
      for (const w of everyone) expect((await w.reach(s, next)).available).toBe(expectedAvailable);
      await sse.reach(next);
      expect(sse.states().at(-1)!.data!.available).toBe(expectedAvailable);
      reached = (await current(s)).version;
      return reached;
    };

    // The first message is the snapshot.
    for (const w of everyone) {
      const first = await w.reach(s, start.version);
      expect(first).toMatchObject({ type: "snapshot", spiritId: s, available: 10, version: start.version });
    }
    await sse.reach(start.version);
    expect(sse.states()[0]!.data!.type).toBe("snapshot");

    // An order holds 2.
    const buyer = await shop.customer();
    const placed = await shop.order(buyer, [{ spiritId: s, quantity: 2 }]);
    expect(placed.status).toBe(201);
    const orderId = ((await placed.json()) as { id: string }).id;
    await reachEveryone(8);

    // Cancelling it gives them back.
    expect((await shop.act(buyer, orderId, "cancel")).status).toBe(200);
    await reachEveryone(10);

    // Another order's hold lapses; the reaper (on the test clock) releases it.
    const late = await shop.customer();
    expect((await shop.order(late, [{ spiritId: s, quantity: 3 }])).status).toBe(201);
    await reachEveryone(7);
    clock().advance(16 * 60_000);
    const timers = new ManualTimers(clock());
    const reaper = createReaper({
      clock: srv.clock,
      timers,
      nextDueAt: srv.services.orders.nextDueAt,
      run: srv.services.orders.expireDue,
      onError: (err) => {
        throw err;
      },
    });
    reaper.start();
    timers.advance(0); // its first look, straight away
    try {
      await reachEveryone(10);
    } finally {
      await reaper.stop();
    }

    // Staff receive 5 more.
    await shop.receive(s, 5);
    const last = await reachEveryone(15);

    const expected = [10, 8, 10, 7, 10, 15];
    for (const w of everyone) {
      const states = w.states(s).map((m) => StockMessageSchema.parse(m));
      expect(increasing(states.map((m) => m.version))).toBe(true);
      expect(states.map((m) => m.available)).toEqual(expected);
      expect(states.map((m) => m.type)).toEqual(["snapshot", "stock", "stock", "stock", "stock", "stock"]);
      expect(states.at(-1)!.version).toBe(last);
    }
    const streamed = sse.states().map((e) => StockMessageSchema.parse(e.data));
    expect(streamed.map((m) => m.available)).toEqual(expected);
    expect(sse.states().map((e) => Number(e.id))).toEqual(streamed.map((m) => m.version));
    expect(increasing(streamed.map((m) => m.version))).toBe(true);

    // Availability is public; the staff token adds the per-batch breakdown.
    const [publicSocket, , staffSocket] = sockets;
    expect(publicSocket!.states(s).every((m) => !("byBatch" in m))).toBe(true);
    expect(staffSocket!.states(s).every((m) => Array.isArray(m.byBatch))).toBe(true);
    expect(staffSocket!.states(s).at(-1)!.byBatch).toEqual([
      expect.objectContaining({ locationId: shop.loc("edinburgh"), onHand: 15, reserved: 0, available: 15 }),
    ]);

    for (const w of everyone) w.close();
    sse.close();
  });

  test("watchers that connect while the stock keeps changing are never shown an older version", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 1);
    const changes = (async () => {
      for (let i = 0; i < 40; i++) await shop.receive(s, 1);
    })();
    const watchers: WatchClient[] = [];
    for (let i = 0; i < 20; i++) {
      watchers.push(await WatchClient.open(`${srv.wsBase}/api/v1/spirits/${s}/stock/ws`));
    }
    await changes;
    const { version } = await current(s);
    for (const w of watchers) {
      const last = await w.reach(s, version);
      expect(last.available).toBe(41);
      const versions = w.states(s).map((m) => m.version!);
      expect(increasing(versions)).toBe(true);
      expect(w.states(s)[0]!.type).toBe("snapshot");
      expect(
        w
          .states(s)
          .slice(1)
          .every((m) => m.type === "stock"),
      ).toBe(true);
    }
    for (const w of watchers) w.close();
  });
});

describe("before the upgrade", () => {
  test("an unknown spirit is a 404 problem, and no socket is opened", async () => {
    const res = await fetch(`${srv.base}/api/v1/spirits/spr_nope/stock/ws`, {
      headers: {
        Upgrade: "websocket",
        Connection: "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
      },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await res.json()).detail).toContain("spr_nope");
    await expect(WatchClient.open(`${srv.wsBase}/api/v1/spirits/spr_nope/stock/ws`)).rejects.toThrow();
    const sse = await fetch(`${srv.base}/api/v1/spirits/spr_nope/stock/events`);
    expect(sse.status).toBe(404);
  });

  test("a plain GET on a socket path is 426 Upgrade Required", async () => {
    const s = await shop.spirit();
    for (const path of [`/api/v1/spirits/${s}/stock/ws`, "/api/v1/stock/ws"]) {
      const res = await fetch(`${srv.base}${path}`);
      expect(res.status).toBe(426);
      expect(res.headers.get("Upgrade")).toBe("websocket");
      expect((await res.json()).type).toEndWith("/upgrade-required");
    }
  });

  test("a bad token, in the query or the header, is 401 rather than anonymous", async () => {
    const s = await shop.spirit();
    const query = await fetch(`${srv.base}/api/v1/spirits/${s}/stock/events?token=not-a-jwt`);
    expect(query.status).toBe(401);
    expect(query.headers.get("WWW-Authenticate")).toContain("Bearer");
    const header = await fetch(`${srv.base}/api/v1/stock/ws`, { headers: { Authorization: "Bearer nope" } });
    expect(header.status).toBe(401);
    await expect(WatchClient.open(`${srv.wsBase}/api/v1/stock/ws?token=nope`)).rejects.toThrow();
  });

  test("a customer's token is accepted and sees the public view", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 2);
    const buyer = await shop.customer();
    const token = buyer.headers.Authorization!.slice("Bearer ".length);
    const w = await WatchClient.open(`${srv.wsBase}/api/v1/spirits/${s}/stock/ws?token=${token}`);
    const first = await w.reach(s, 0);
    expect(first.available).toBe(2);
    expect("byBatch" in first).toBe(false);
    w.close();
  });
});

describe("the one-spirit socket", () => {
  test("answers a ping with a pong, and anything else with an error, staying open", async () => {
    const s = await shop.spirit();
    const w = await WatchClient.open(`${srv.wsBase}/api/v1/spirits/${s}/stock/ws`);
    await w.reach(s, 0);
    w.send({ type: "ping" });
    await w.until((c) => c.of("pong").length === 1, "a pong");
    w.send({ type: "subscribe", spiritIds: [s] });
    await w.until((c) => c.of("error").length === 1, "an error");
    expect(w.of("error")[0]).toMatchObject({ type: "error", code: "invalid-message" });
    w.send({ type: "ping" });
    await w.until((c) => c.of("pong").length === 2, "a second pong");
    expect(w.closed).toBeUndefined();
    w.close();
  });

  test("a closed socket leaves nothing behind in the hub", async () => {
    const s = await shop.spirit();
    const idle = {
      sockets: 0,
      laggingSockets: 0,
      largestBacklog: 0,
      subscriptions: 0,
      awaitingPong: 0,
      eventStreams: 0,
      channels: 0,
    };
    await settled(idle);
    const w = await WatchClient.open(`${srv.wsBase}/api/v1/spirits/${s}/stock/ws`);
    const sse = await Sse.open(`${srv.base}/api/v1/spirits/${s}/stock/events`);
    await w.reach(s, 0);
    await sse.reach(0);
    expect(srv.hub.stats()).toMatchObject({ sockets: 1, subscriptions: 1, eventStreams: 1, channels: 1 });
    w.close();
    sse.close();
    await settled(idle);
  });
});
