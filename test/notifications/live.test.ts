/**
 * Live notifications over a real Bun.serve (the same socket wiring as src/runtime/bun.ts): a customer's
 * socket gets `ready` with the unread count, then each new notification of theirs as it is stored; another
 * customer's socket gets none of it, and nobody opens a socket on someone else's inbox.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openShop, type Shop } from "../orders/shop.ts";
import { type Message, type StockServer, startStockServer, WatchClient } from "../realtime/support.ts";
import { dispatch, emit } from "./support.ts";

let server: StockServer;
let shop: Shop;
let n = 0;
beforeAll(async () => {
  server = await startStockServer();
  shop = await openShop(server);
});
afterAll(() => server.stop());

const socketUrl = (token: string, customer = "me") =>
  `${server.wsBase}/api/v1/customers/${customer}/notifications/ws?token=${encodeURIComponent(token)}`;
const tokenOf = (c: { headers: Record<string, string> }) => c.headers.Authorization!.slice("Bearer ".length);

async function paid(customerId: string) {
  const orderId = `ord_live_${++n}`;
  await emit(server, "order.paid", orderId, { orderId, customerId });
  return orderId;
}

test("a customer's socket gets their new notifications as they are stored, and no one else's", async () => {
  const alice = await shop.customer();
  const bob = await shop.customer();
  await paid(alice.id);
  await dispatch(server);

  const a1 = await WatchClient.open(socketUrl(tokenOf(alice)));
  // A second tab, with the bearer header instead of the query token.
  const a2 = await WatchClient.open(`${server.wsBase}/api/v1/customers/${alice.id}/notifications/ws`, {
    headers: alice.headers,
  });
  const b = await WatchClient.open(socketUrl(tokenOf(bob)));
  for (const [client, unread] of [
    [a1, 1],
    [a2, 1],
    [b, 0],
  ] as const) {
    await client.until((c) => c.of("ready").length > 0, "ready");
    expect(client.of("ready")[0]).toEqual({ type: "ready", unreadCount: unread } as Message);
  }

  const orderId = await paid(alice.id);
  await dispatch(server);
  for (const client of [a1, a2]) {
    await client.until((c) => c.of("notification").length > 0, "the notification");
    const [message] = client.of("notification") as unknown as {
      notification: { topic: string; subjectId: string; readAt: null; id: string };
    }[];
    expect(message!.notification).toMatchObject({ topic: "order_status", subjectId: orderId, readAt: null });
  }
  // The live message is the inbox's entry, with the same id.
  const listed = await (
    await server.call("GET", "/api/v1/customers/me/notifications?limit=1", { headers: alice.headers })
  ).json();
  const live = a1.of("notification")[0] as unknown as { notification: { id: string } };
  expect(listed.items[0].id).toBe(live.notification.id);

  // A replayed event publishes nothing (nothing new was stored).
  await server.deps.client.execute(
    "UPDATE event_consumer_offsets SET seq = 0 WHERE consumer = 'notifications'",
  );
  await dispatch(server);
  b.send({ type: "ping" });
  await b.until((c) => c.of("pong").length > 0, "pong");
  a1.send({ type: "ping" });
  await a1.until((c) => c.of("pong").length > 0, "pong");
  expect(a1.of("notification")).toHaveLength(1);
  expect(b.of("notification")).toEqual([]);

  a1.send("hello?");
  await a1.until((c) => c.of("error").length > 0, "an error message");
  for (const client of [a1, a2, b]) client.close();
});

test("a socket on another customer's inbox is refused; staff may watch anyone's; a bad token is a 401", async () => {
  const alice = await shop.customer();
  const mallory = await shop.customer();
  const other = await fetch(socketUrl(tokenOf(mallory), alice.id).replace("ws:", "http:"));
  expect(other.status).toBe(404);
  await expect(WatchClient.open(socketUrl(tokenOf(mallory), alice.id))).rejects.toThrow();
  const bad = await fetch(socketUrl("not-a-token").replace("ws:", "http:"));
  expect(bad.status).toBe(401);
  const anonymous = await fetch(`${server.base}/api/v1/customers/${alice.id}/notifications/ws`);
  expect(anonymous.status).toBe(401);
  // Without the Upgrade header, an allowed caller is told to upgrade.
  const plain = await fetch(socketUrl(tokenOf(alice)).replace("ws:", "http:"));
  expect(plain.status).toBe(426);

  const staff = await WatchClient.open(socketUrl(tokenOf(shop.staff), alice.id));
  await staff.until((c) => c.of("ready").length > 0, "ready");
  await paid(alice.id);
  await dispatch(server);
  await staff.until((c) => c.of("notification").length > 0, "the notification");
  staff.close();
});
