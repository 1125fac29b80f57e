import { beforeAll, expect, test } from "bun:test";
import { StockErrorMessageSchema } from "../../src/stock/messages.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeStreamTargets, WatchClient } from "./support.ts";

const errors = (w: WatchClient) => w.of("error").map((m) => StockErrorMessageSchema.parse(m));

describeStreamTargets("the multi-spirit socket", (host) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(host());
  });
  const openMulti = () => WatchClient.open(`${host().wsBase}/api/v1/stock/ws`);
  const current = (spiritId: string) => host().services.inventory.stockSnapshot(spiritId);

  test("each subscription starts with its snapshot; changes follow; unsubscribing stops them", async () => {
    const [a, b] = [await shop.spirit(), await shop.spirit()];
    await shop.receive(a, 3);
    await shop.receive(b, 4);
    const w = await openMulti();
    w.send({ type: "subscribe", spiritIds: [a, b] });
    expect(await w.reach(a, 0)).toMatchObject({ type: "snapshot", available: 3 });
    expect(await w.reach(b, 0)).toMatchObject({ type: "snapshot", available: 4 });

    await shop.receive(a, 1);
    expect(await w.reach(a, (await current(a)).version)).toMatchObject({ type: "stock", available: 4 });

    w.send({ type: "unsubscribe", spiritIds: [a] });
    // Subscribing again to one already watched sends nothing new; b's changes still come.
    w.send({ type: "subscribe", spiritIds: [b] });
    // The socket takes messages in order: once the pong is back, both were handled.
    w.send({ type: "ping" });
    await w.until((c) => c.of("pong").length === 1, "a pong");
    await shop.receive(a, 1);
    await shop.receive(b, 1);
    expect(await w.reach(b, (await current(b)).version)).toMatchObject({ type: "stock", available: 5 });
    expect(w.states(a).map((m) => m.available)).toEqual([3, 4]);
    expect(w.states(b).map((m) => m.type)).toEqual(["snapshot", "stock"]);
    expect(errors(w)).toEqual([]);
    w.close();
  });

  test("malformed messages get an error message each, and the socket stays open", async () => {
    const s = await shop.spirit();
    const w = await openMulti();
    const bad: (string | Uint8Array)[] = [
      "not json",
      JSON.stringify({ type: "watch", spiritIds: [s] }),
      JSON.stringify({ type: "subscribe" }),
      JSON.stringify({ type: "subscribe", spiritIds: [] }),
      JSON.stringify({ type: "subscribe", spiritIds: [42] }),
      JSON.stringify({ type: "subscribe", spiritIds: [s], extra: true }),
      new Uint8Array([1, 2, 3]),
    ];
    for (const m of bad) w.socket.send(m);
    await w.until((c) => c.of("error").length === bad.length, `${bad.length} errors`);
    const got = errors(w);
    expect(got.every((e) => e.code === "invalid-message")).toBe(true);
    expect(got[0]!.detail).toBe("The message is not JSON.");
    expect(got[2]!.errors).toEqual([expect.objectContaining({ path: "spiritIds" })]);
    expect(got[4]!.errors).toEqual([expect.objectContaining({ path: "spiritIds.0" })]);
    expect(got[6]!.detail).toContain("binary");
    // Still usable.
    w.send({ type: "subscribe", spiritIds: [s] });
    expect((await w.reach(s, 0)).type).toBe("snapshot");
    expect(w.closed).toBeUndefined();
    w.close();
  });

  test("a subscribe naming an unknown spirit subscribes none of them", async () => {
    const s = await shop.spirit();
    const w = await openMulti();
    w.send({ type: "subscribe", spiritIds: [s, "spr_missing"] });
    await w.until((c) => c.of("error").length === 1, "an error");
    expect(errors(w)[0]).toMatchObject({ code: "unknown-spirit", spiritIds: ["spr_missing"] });
    await shop.receive(s, 2);
    w.send({ type: "ping" });
    await w.until((c) => c.of("pong").length === 1, "a pong");
    expect(w.states()).toEqual([]);
    w.close();
  });

  test(`at most 100 subscriptions per socket: the 101st is refused and changes nothing`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < 101; i++) ids.push(await shop.spirit());
    const w = await openMulti();
    // More than 100 in one message fails validation.
    w.send({ type: "subscribe", spiritIds: ids });
    await w.until((c) => c.of("error").length === 1, "an error");
    expect(errors(w)[0]).toMatchObject({
      code: "invalid-message",
      errors: [expect.objectContaining({ path: "spiritIds" })],
    });

    w.send({ type: "subscribe", spiritIds: ids.slice(0, 60) });
    w.send({ type: "subscribe", spiritIds: ids.slice(60, 100) });
    // On the Worker each subscription is a socket to the spirit's object: 100 of them take a while to open.
    await w.until((c) => c.of("snapshot").length === 100, "100 snapshots", 20_000);
    w.send({ type: "subscribe", spiritIds: [ids[0]!, ids[100]!] });
    await w.until((c) => c.of("error").length === 2, "a second error");
    expect(errors(w)[1]).toMatchObject({ code: "too-many-subscriptions", limit: 100, spiritIds: [ids[100]] });
    const hub = host().hub;
    if (hub) expect(hub.stats().subscriptions).toBeGreaterThanOrEqual(100);

    // Making room lets it in.
    w.send({ type: "unsubscribe", spiritIds: [ids[0]!] });
    w.send({ type: "subscribe", spiritIds: [ids[100]!] });
    await w.reach(ids[100]!, 0);
    expect(w.of("snapshot").length).toBe(101);
    w.close();
  }, 60_000);

  test("a flood of bad messages closes the socket with 1008 (policy violation)", async () => {
    const w = await openMulti();
    for (let i = 0; i < 30; i++) w.send("{");
    const closed = await w.untilClosed();
    expect(closed.code).toBe(1008);
    expect(closed.reason).toBe("Too many invalid messages.");
    // It was told about each one it sent before the limit.
    expect(w.of("error").length).toBe(11);
  });

  test("a flood of well-formed messages is a policy violation too", async () => {
    const w = await openMulti();
    for (let i = 0; i < 100; i++) w.send({ type: "ping" });
    const closed = await w.untilClosed();
    expect(closed).toEqual({ code: 1008, reason: "Too many messages." });
  });
});
