import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StockChanged } from "../../src/stock/events.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { ManualTimers } from "../support/manual-timers.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  increasing,
  SseClient,
  type StockServer,
  sleep,
  stalledClient,
  startStockServer,
  WatchClient,
} from "./support.ts";

const BACKLOG = 16 * 1024;

let srv: StockServer;
let shop: Shop;
beforeAll(async () => {
  srv = await startStockServer({ env: { STOCK_STREAM_BACKLOG_BYTES: String(BACKLOG) } });
  shop = await openShop(srv);
});
afterAll(() => srv.stop());

const port = () => Number(new URL(srv.base).port);

/**
 * Publishes `count` stock-changed events for the spirit straight on the app's event bus, as the stock
 * coordinator does after a commit (versions above the spirit's real one), in bursts with pauses between
 * them (pacing, not a wait: the hub's real sweeps run meanwhile, as under a real load). Each carries 100
 * locations (about 4 KB) so that a thousand of them fill the kernel's socket buffers.
 */
async function publishBursts(spiritId: string, count: number, perBurst: number, pauseMs: number) {
  const start = await srv.services.inventory.stockSnapshot(spiritId);
  const byLocation = Array.from({ length: 100 }, (_, i) => ({ locationId: `loc_${i}`, available: i }));
  let version = start.version;
  for (let sent = 0; sent < count; ) {
    for (let i = 0; i < perBurst && sent < count; i++, sent++) {
      version += 1;
      const event: StockChanged = {
        ...start,
        version,
        available: version,
        byLocation,
        byBatch: [],
        at: srv.clock.now().toISOString(),
      };
      srv.deps.stockEvents.publish(event);
    }
    await sleep(pauseMs);
  }
  return version;
}

describe("a client that never reads", () => {
  test("never slows the others, keeps a bounded backlog, and then gets the latest state only", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 1);
    const path = `/api/v1/spirits/${s}/stock/ws`;
    const fast = await Promise.all([0, 1].map(() => WatchClient.open(`${srv.wsBase}${path}`)));
    const fastSse = await SseClient.open(`${srv.base}/api/v1/spirits/${s}/stock/events`);
    for (const w of fast) await w.reach(s, 0);
    await fastSse.reach(0);
    const stalled = await stalledClient(port(), path, "websocket");
    const stalledSse = await stalledClient(port(), `/api/v1/spirits/${s}/stock/events`, "events");
    expect(stalled.status).toBe(101);
    expect(stalledSse.status).toBe(200);

    let largest = 0;
    let laggards = 0;
    const sampler = setInterval(() => {
      const stats = srv.hub.stats();
      largest = Math.max(largest, stats.largestBacklog);
      laggards = Math.max(laggards, stats.laggingSockets);
    }, 5);
    const count = 3000;
    const last = await publishBursts(s, count, 25, 10);
    for (const w of fast) await w.reach(s, last, 10_000);
    await fastSse.reach(last, 10_000);
    clearInterval(sampler);

    // Those that read got everything, in order.
    for (const w of fast) {
      const versions = w.states(s).map((m) => m.version!);
      expect(increasing(versions)).toBe(true);
      expect(versions.length).toBe(count + 1);
    }
    // The event stream's reader is slower (it shares this process): it may skip, but only forwards.
    expect(increasing(fastSse.states().map((e) => e.data!.version!))).toBe(true);
    // The one that does not read was taken out of the topic, its backlog bounded (the runtime would
    // close it at 1 MiB), and it is still connected.
    expect(laggards).toBe(1);
    expect(largest).toBeGreaterThan(BACKLOG);
    expect(largest).toBeLessThan(1024 * 1024);
    expect(stalled.closed).toBe(false);

    // When it reads again, it catches up on the latest state, skipping what it missed, never going back.
    const seen = await stalled.readUntil((m) => m.at(-1)?.version === last, `version ${last}`);
    const versions = seen.map((m) => m.version!);
    expect(increasing(versions)).toBe(true);
    expect(versions.at(-1)).toBe(last);
    expect(versions.length).toBeLessThan((count * 2) / 3);
    const streamed = await stalledSse.readUntil((m) => m.at(-1)?.version === last, `event ${last}`);
    expect(increasing(streamed.map((m) => m.version!))).toBe(true);
    expect(streamed.at(-1)!.version).toBe(last);
    expect(streamed.length).toBeLessThan((count * 2) / 3);

    await waitFor(() => srv.hub.stats().laggingSockets === 0, { what: "no socket lagging" });
    for (const w of fast) w.close();
    fastSse.close();
    stalled.destroy();
    stalledSse.destroy();
  });
});

describe("heartbeats", () => {
  test("a socket that does not answer pings is terminated; one that does stays", async () => {
    // The hub's sweeps run on timers the test moves: a heartbeat is two sweeps of 100 ms.
    const timers = new ManualTimers();
    const beat = () => timers.advance(200);
    const beating = await startStockServer({
      env: { STOCK_STREAM_HEARTBEAT_MS: "200" },
      clock: timers.clock,
      timers,
    });
    try {
      const s = await (await openShop(beating)).spirit();
      const path = `/api/v1/spirits/${s}/stock/ws`;
      const alive = await WatchClient.open(`${beating.wsBase}${path}`);
      await alive.reach(s, 0);
      const dead = await stalledClient(Number(new URL(beating.base).port), path, "websocket");
      expect(dead.status).toBe(101);
      const stats = () => beating.hub.stats();
      expect(stats()).toMatchObject({ sockets: 2, awaitingPong: 0 });

      // The first heartbeat pings both; only the one that reads answers.
      beat();
      expect(stats().awaitingPong).toBe(2);
      await waitFor(() => stats().awaitingPong === 1, { what: "the reading client's pong" });
      // The second finds no answer from the other, and terminates it.
      beat();
      await waitFor(() => stats().sockets === 1, { what: "the silent socket to be terminated" });
      expect(stats()).toMatchObject({ sockets: 1, subscriptions: 1 });
      const frames = await dead.readUntil((_, closed) => closed, "the close to reach the client");
      expect(frames).toEqual([expect.objectContaining({ type: "snapshot" })]);
      expect(dead.closed).toBe(true);

      // Several heartbeats later the one that answers is still there.
      for (let i = 0; i < 4; i++) {
        await waitFor(() => stats().awaitingPong === 0, { what: `the pong to heartbeat ${i + 2}` });
        beat();
        expect(stats().sockets).toBe(1);
      }
      expect(alive.closed).toBeUndefined();
      alive.close();
      dead.destroy();
    } finally {
      await beating.stop();
    }
  });
});

describe("a snapshot ahead of the event bus", () => {
  test("events not newer than the snapshot are not shown; newer ones are, then the topic takes over", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 1);
    const base = await srv.services.inventory.stockSnapshot(s);
    // A commit whose event has not been published yet (or another process's write): the database is at
    // base + 3 while the bus last said base.
    await srv.deps.client.execute({
      sql: "UPDATE inventory_levels SET version = version + 3 WHERE spirit_id = ?",
      args: [s],
    });
    const w = await WatchClient.open(`${srv.wsBase}/api/v1/spirits/${s}/stock/ws`);
    const first = await w.reach(s, base.version + 3);
    expect(first).toMatchObject({ type: "snapshot", version: base.version + 3 });
    const publish = (delta: number) =>
      srv.deps.stockEvents.publish({ ...base, version: base.version + delta, available: 100 + delta });
    publish(1);
    publish(3);
    publish(4);
    publish(5);
    await w.reach(s, base.version + 5);
    expect(w.states(s).map((m) => m.version! - base.version)).toEqual([3, 4, 5]);
    expect(w.states(s).map((m) => m.type)).toEqual(["snapshot", "stock", "stock"]);
    w.close();
  });
});
