/**
 * Real WebSocket clients watching stock through the Worker build: the route authenticates and forwards
 * the handshake to the spirit's Durable Object, which accepts it with the hibernation API, broadcasts
 * each committed change, releases lapsed holds with its alarm, and keeps its watchers across an eviction.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openShop, type Shop } from "../orders/shop.ts";
import { SseClient, WatchClient } from "../realtime/support.ts";
import { openTarget, selectedTargets, type Target } from "../support/targets.ts";
import { waitFor } from "../support/wait-for.ts";

const onWorker = selectedTargets(["worker"]).length ? describe : describe.skip;

/** SpiritStockObject's RPC methods the tests call (its file is type-checked with Workers' types only). */
type SpiritObjectRpc = {
  status(): Promise<{ spiritId?: string; watchers: number; wokeAt: string; alarmAt: string | null }>;
  expire(spiritId: string): Promise<number>;
};

onWorker("stock watchers on the Worker build", () => {
  let t: Target;
  let shop: Shop;
  let wsBase: string;
  const open: WatchClient[] = [];
  const watch = async (path: string, headers?: Record<string, string>) => {
    const client = await WatchClient.open(`${wsBase}${path}`, headers ? { headers } : undefined);
    open.push(client);
    return client;
  };
  const staffToken = () => shop.staff.headers.Authorization!.slice("Bearer ".length);
  /** The spirit's Durable Object, through Miniflare (its RPC methods, as the Worker calls them). */
  const object = async (spiritId: string) => {
    const ns = await t.worker!.miniflare.getDurableObjectNamespace("SPIRIT_STOCK");
    return ns.get(ns.idFromName(spiritId)) as unknown as SpiritObjectRpc;
  };

  beforeAll(async () => {
    t = await openTarget("worker");
    shop = await openShop(t);
    wsBase = (await t.baseUrl()).replace("http:", "ws:");
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await t.close();
  });

  test("a snapshot first, then a stock message per committed change, in version order", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 10);
    const w = await watch(`/api/v1/spirits/${s}/stock/ws`);
    await w.until((c) => c.messages.length > 0, "the snapshot");
    const snapshot = w.messages[0]!;
    expect(snapshot).toMatchObject({ type: "snapshot", spiritId: s, available: 10 });
    expect(snapshot).not.toHaveProperty("byBatch");

    const c = await shop.customer();
    const order = (await (await shop.order(c, [{ spiritId: s, quantity: 3 }])).json()) as { id: string };
    expect((await w.reach(s, snapshot.version! + 1)).available).toBe(7);
    await shop.act(c, order.id, "cancel");
    const back = await w.until((x) => x.states(s).at(-1)?.available === 10, "the cancellation");
    expect(back).toBeUndefined();
    const versions = w.states(s).map((m) => m.version!);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  test("staff see per-batch figures; a client cannot claim to be staff with a header", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 4);
    const staff = await watch(`/api/v1/spirits/${s}/stock/ws?token=${staffToken()}`);
    const sneaky = await watch(`/api/v1/spirits/${s}/stock/ws`, { "X-Angelshare-Stock-Audience": "staff" });
    await staff.until((c) => c.messages.length > 0);
    await sneaky.until((c) => c.messages.length > 0);
    expect(staff.messages[0]!.byBatch).toEqual([
      { batchId: null, locationId: shop.loc("edinburgh"), onHand: 4, reserved: 0, available: 4 },
    ]);
    expect(sneaky.messages[0]).not.toHaveProperty("byBatch");
  });

  test("ping is answered with pong; anything else with an error, and the socket stays open", async () => {
    const s = await shop.spirit();
    const w = await watch(`/api/v1/spirits/${s}/stock/ws`);
    await w.until((c) => c.messages.length > 0);
    w.send({ type: "ping" });
    w.send('{ "type" : "ping" }');
    w.send({ type: "subscribe", spiritIds: [s] });
    w.send("not json");
    await w.until((c) => c.messages.length >= 5, "four answers");
    expect(w.messages.slice(1).map((m) => [m.type, m.code])).toEqual([
      ["pong", undefined],
      ["pong", undefined],
      ["error", "invalid-message"],
      ["error", "invalid-message"],
    ]);
    expect(w.closed).toBeUndefined();
  });

  test("before the upgrade: 404 for an unknown spirit, 401 for a bad token, 426 without a handshake", async () => {
    const s = await shop.spirit();
    const unknown = await t.call("GET", "/api/v1/spirits/spr_nope/stock/ws", {
      headers: { Upgrade: "websocket" },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("Content-Type")).toBe("application/problem+json");
    const badToken = await t.call("GET", `/api/v1/spirits/${s}/stock/ws?token=not.a.jwt`);
    expect(badToken.status).toBe(401);
    const plain = await t.call("GET", `/api/v1/spirits/${s}/stock/ws`);
    // (workerd drops the hop-by-hop Upgrade header from a non-101 answer; the problem says it all.)
    expect(plain.status).toBe(426);
    expect((await plain.json()).type).toEndWith("/upgrade-required");
  });

  test("the multi-spirit socket and Server-Sent Events watch the objects, and let them go when done", async () => {
    const [a, b] = [await shop.spirit(), await shop.spirit()];
    await shop.receive(a, 3);
    await shop.receive(b, 5);
    const multi = await watch("/api/v1/stock/ws");
    multi.send({ type: "subscribe", spiritIds: [a, b] });
    await multi.until((c) => c.of("snapshot").length === 2, "two snapshots");
    const sse = await SseClient.open(`${await t.baseUrl()}/api/v1/spirits/${a}/stock/events`);
    await sse.until((c) => c.states().length === 1, "the event stream's snapshot");
    // Each is one more watcher of the spirit's object.
    expect((await (await object(a)).status()).watchers).toBe(2);

    // (Miniflare will not evict an object that a live Worker request still holds a socket to.)
    await shop.order(await shop.customer(), [{ spiritId: a, quantity: 2 }]);
    await multi.until((c) => c.states(a).at(-1)?.available === 1, "the order, on the socket");
    await sse.until((c) => c.states().at(-1)?.data?.available === 1, "the order, on the stream");
    expect(sse.states().map((e) => e.data!.type)).toEqual(["snapshot", "stock"]);

    // Unsubscribing and closing let the objects' sockets go.
    multi.send({ type: "unsubscribe", spiritIds: [a] });
    sse.close();
    const released = async () => (await (await object(a)).status()).watchers === 0;
    expect(await waitFor(released, { what: "the object's watchers to close" })).toBe(true);
    await shop.receive(b, 1);
    await multi.until((c) => c.states(b).at(-1)?.available === 6, "b's receipt");
    expect(multi.states(a).map((m) => m.available)).toEqual([3, 1]);
  });

  test("fifty watchers all get the change; one that leaves does not stop the others", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 5);
    const watchers = await Promise.all(
      Array.from({ length: 50 }, () => watch(`/api/v1/spirits/${s}/stock/ws`)),
    );
    await Promise.all(watchers.map((w) => w.until((c) => c.messages.length > 0)));
    watchers[0]!.close();
    expect((await (await object(s)).status()).watchers).toBeGreaterThanOrEqual(49);
    await shop.order(await shop.customer(), [{ spiritId: s, quantity: 1 }]);
    for (const w of watchers.slice(1)) {
      await w.until((c) => c.states(s).at(-1)?.available === 4, "the order");
    }
  });

  test("hibernation: after the object is evicted its sockets stay open and still get broadcasts", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 6);
    const watchers = [
      await watch(`/api/v1/spirits/${s}/stock/ws`),
      await watch(`/api/v1/spirits/${s}/stock/ws?token=${staffToken()}`),
    ];
    await Promise.all(watchers.map((w) => w.until((c) => c.messages.length > 0)));

    // Miniflare refuses to evict an object something still holds a reference to; the sockets do not count.
    const evictedAt = new Date().toISOString();
    await t.worker!.evictSpirit(s);
    // The runtime answers the keep-alive ping itself, without waking the object.
    watchers[0]!.send({ type: "ping" });
    await watchers[0]!.until((c) => c.of("pong").length === 1, "the pong");

    await shop.order(await shop.customer(), [{ spiritId: s, quantity: 2 }]);
    for (const w of watchers)
      await w.until((c) => c.states(s).at(-1)?.available === 4, "the order after eviction");
    expect(watchers[1]!.states(s).at(-1)!.byBatch).toBeDefined();
    expect(watchers[0]!.states(s).at(-1)).not.toHaveProperty("byBatch");

    // A new instance served the order: it woke after the eviction, and found both sockets.
    const after = await (await object(s)).status();
    expect(after.wokeAt >= evictedAt).toBe(true);
    expect(after.watchers).toBe(2);
    for (const w of watchers) expect(w.closed).toBeUndefined();
  });

  test("the object's alarm releases a lapsed hold on time and its watchers see the bottles come back", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 3);
    const w = await watch(`/api/v1/spirits/${s}/stock/ws`);
    await w.until((c) => c.messages.length > 0);
    const order = (await (
      await shop.order(await shop.customer(), [{ spiritId: s, quantity: 3 }])
    ).json()) as {
      id: string;
      expiresAt: string;
    };
    await w.until((c) => c.states(s).at(-1)?.available === 0, "the hold");
    // The alarm is set for the hold's expiry.
    expect((await (await object(s)).status()).alarmAt).toBe(order.expiresAt);

    // Make the hold lapse in a second, and let the object pick up the new time (as after a clock change).
    const soon = new Date(Date.now() + 1000).toISOString();
    await t.deps.client.execute({
      sql: "UPDATE stock_holds SET expires_at = ? WHERE order_id = ?",
      args: [soon, order.id],
    });
    await (await object(s)).expire(s);
    expect((await (await object(s)).status()).alarmAt).toBe(soon);

    await w.until((c) => c.states(s).at(-1)?.available === 3, "the alarm's release", 5000);
    // The object clears its alarm once the release is committed, just after the broadcast.
    const cleared = async () => (await (await object(s)).status()).alarmAt === null;
    expect(await waitFor(cleared, { what: "the alarm to be cleared" })).toBe(true);
  });
});
