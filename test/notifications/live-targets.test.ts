/**
 * The notifications socket on both targets: a real Bun.serve, and the Worker build in workerd, where a
 * Durable Object per shard of customers holds the sockets (hibernated) and the Worker's event dispatch
 * sends to it. The same messages either way: `ready` with the unread count, each new `notification` of
 * the customer's own, `pong` to a ping, an `error` for anything else; the same refusals (another's inbox,
 * a bad token, no upgrade, too many sockets).
 */
import { beforeAll, expect, test } from "bun:test";
import { MAX_SOCKETS_PER_CUSTOMER } from "../../src/modules/notifications/notification-sockets.ts";
import { shardOf } from "../../src/runtime/notification-shards.ts";
import { CRON_EVERY_MINUTE } from "../../src/runtime/worker-crons.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import {
  describeStreamTargets,
  handshake,
  type Message,
  type StreamHost,
  WatchClient,
} from "../realtime/support.ts";
import { dispatch, emit } from "./support.ts";

const tokenOf = (c: { headers: Record<string, string> }) => c.headers.Authorization!.slice("Bearer ".length);
type Told = { notification: { id: string; topic: string; subjectId: string; readAt: null } };

describeStreamTargets("the notifications socket", (host) => {
  let shop: Shop;
  let n = 0;
  beforeAll(async () => {
    shop = await openShop(host());
  });

  const path = (token: string, customer = "me") =>
    `/api/v1/customers/${customer}/notifications/ws?token=${encodeURIComponent(token)}`;
  const open = (token: string, customer = "me") =>
    WatchClient.open(`${host().wsBase}${path(token, customer)}`);
  /** The event work of the target: Bun's dispatcher, or the Worker's own (its minute cron drains the outbox). */
  const deliver = async (h: StreamHost) => {
    if (h.worker) await h.worker.runCron(CRON_EVERY_MINUTE);
    else await dispatch(h);
  };
  async function paid(customerId: string) {
    const orderId = `ord_live_t_${++n}`;
    await emit(host(), "order.paid", orderId, { orderId, customerId });
    return orderId;
  }

  test("ready with the unread count, then the customer's own notifications on every tab; ping, pong", async () => {
    const h = host();
    const alice = await shop.customer();
    const bob = await shop.customer();
    await paid(alice.id);
    await deliver(h);

    const a1 = await open(tokenOf(alice));
    const a2 = await WatchClient.open(`${h.wsBase}/api/v1/customers/${alice.id}/notifications/ws`, {
      headers: alice.headers,
    });
    const b = await open(tokenOf(bob));
    for (const [client, unread] of [
      [a1, 1],
      [a2, 1],
      [b, 0],
    ] as const) {
      await client.until((c) => c.of("ready").length > 0, "ready");
      expect(client.of("ready")).toEqual([{ type: "ready", unreadCount: unread } as Message]);
    }

    const orderId = await paid(alice.id);
    await deliver(h);
    for (const client of [a1, a2]) {
      await client.until((c) => c.of("notification").length > 0, "the notification");
      const [told] = client.of("notification") as unknown as Told[];
      expect(told!.notification).toMatchObject({ topic: "order_status", subjectId: orderId, readAt: null });
    }
    const listed = await (
      await h.call("GET", "/api/v1/customers/me/notifications?limit=1", { headers: alice.headers })
    ).json();
    expect(listed.items[0].id).toBe((a1.of("notification")[0] as unknown as Told).notification.id);

    // Both the exact ping (which Workers answer without waking the object) and a spaced one.
    b.send({ type: "ping" });
    b.send('{ "type": "ping" }');
    await b.until((c) => c.of("pong").length === 2, "two pongs");
    a1.send("hello?");
    await a1.until((c) => c.of("error").length > 0, "an error message");
    expect(a1.of("error")[0]).toEqual({ type: "error", detail: 'This socket takes only {"type":"ping"}.' });
    expect(b.of("notification")).toEqual([]);
    expect(a1.of("notification")).toHaveLength(1);
    for (const client of [a1, a2, b]) client.close();
  });

  test("too many invalid messages close the socket with 1008", async () => {
    const who = await shop.customer();
    const client = await open(tokenOf(who));
    await client.until((c) => c.of("ready").length > 0, "ready");
    for (let i = 0; i < 10; i++) client.send("nonsense");
    expect((await client.untilClosed()).code).toBe(1008);
  });

  test("another's inbox is refused, a bad token is a 401, no upgrade a 426; staff watch anyone's", async () => {
    const h = host();
    const alice = await shop.customer();
    const mallory = await shop.customer();
    expect((await handshake(h.base, path(tokenOf(mallory), alice.id))).status).toBe(404);
    expect((await handshake(h.base, path("not-a-token"))).status).toBe(401);
    const plain = await fetch(`${h.base}${path(tokenOf(alice))}`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get("Content-Type")).toBe("application/problem+json");

    const staff = await open(tokenOf(shop.staff), alice.id);
    await staff.until((c) => c.of("ready").length > 0, "ready");
    await paid(alice.id);
    await deliver(h);
    await staff.until((c) => c.of("notification").length > 0, "the notification");
    staff.close();
  });

  test(`a customer holds at most ${MAX_SOCKETS_PER_CUSTOMER} sockets; one more is a 429 too-many-streams`, async () => {
    const h = host();
    const who = await shop.customer();
    const held = await Promise.all(
      Array.from({ length: MAX_SOCKETS_PER_CUSTOMER }, () => open(tokenOf(who))),
    );
    await Promise.all(held.map((c) => c.until((x) => x.of("ready").length > 0, "ready")));
    const refused = await handshake(h.base, path(tokenOf(who)));
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: "too-many-streams", scope: "customer" });
    expect(refused.header("Retry-After")).toBe("5");
    // Another customer is not counted against them.
    const other = await open(tokenOf(await shop.customer()));
    await other.until((c) => c.of("ready").length > 0, "ready");
    other.close();
    held[0]!.close();
    await held[0]!.untilClosed();
    // A closed socket frees its place (the Bun hub and the object both see the close).
    await Bun.sleep(100);
    const again = await open(tokenOf(who));
    await again.until((c) => c.of("ready").length > 0, "ready");
    for (const c of [again, ...held.slice(1)]) c.close();
  });

  test("on Workers the sockets survive their object's eviction (hibernation) and still get notifications", async () => {
    const h = host();
    if (!h.worker) return;
    const who = await shop.customer();
    const client = await open(tokenOf(who));
    await client.until((c) => c.of("ready").length > 0, "ready");
    // Nine invalid messages, one short of the close: the count lives in the object's memory, so after a
    // real eviction a tenth does not close the socket (this is what shows the object was evicted).
    for (let i = 0; i < 9; i++) client.send("nonsense");
    await client.until((c) => c.of("error").length === 9, "nine errors");
    await h.worker.miniflare.unsafeEvictDurableObject("angelshare", "NotificationSocketsObject", {
      name: shardOf(who.id),
      webSockets: "hibernate",
    });
    const orderId = await paid(who.id);
    await deliver(h);
    await client.until((c) => c.of("notification").length > 0, "the notification after the eviction");
    expect((client.of("notification")[0] as unknown as Told).notification.subjectId).toBe(orderId);
    client.send("nonsense");
    await client.until((c) => c.of("error").length === 10, "the tenth error");
    client.send({ type: "ping" });
    await client.until((c) => c.of("pong").length > 0, "pong");
    expect(client.closed).toBeUndefined();
    client.close();
  });
});
