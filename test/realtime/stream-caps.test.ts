/**
 * Stream caps over a real Bun.serve: one client address, and one account, hold at most so many stock
 * WebSockets and event streams together; the next is refused before it opens (429 problem with
 * Retry-After), and a stream that ends gives its slot back.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { StreamQuota } from "../../src/modules/stock-stream/stream-quota.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { waitFor } from "../support/wait-for.ts";
import { handshake, SseClient, type StockServer, startStockServer, WatchClient } from "./support.ts";

const PER_CLIENT = 4;
const PER_ACCOUNT = 2;

let srv: StockServer;
let shop: Shop;
let spirit: string;
beforeAll(async () => {
  srv = await startStockServer({
    env: { STOCK_STREAMS_PER_CLIENT: String(PER_CLIENT), STOCK_STREAMS_PER_ACCOUNT: String(PER_ACCOUNT) },
  });
  shop = await openShop(srv);
  spirit = await shop.spirit();
});
afterAll(() => srv.stop());

function expectTooMany(
  answer: { status: number; header(name: string): string | undefined; body: unknown },
  scope: "client" | "account",
  limit: number,
) {
  expect(answer.status).toBe(429);
  expect(answer.header("Content-Type")).toBe("application/problem+json");
  expect(Number(answer.header("Retry-After"))).toBeGreaterThan(0);
  expect(answer.body).toMatchObject({ status: 429, code: "too-many-streams", scope, limit });
}

const streams = () => srv.hub.stats().sockets + srv.hub.stats().eventStreams;

describe("stream caps", () => {
  test("one address: WebSockets and event streams count together; the next is 429 until one closes", async () => {
    const held = [
      await WatchClient.open(`${srv.wsBase}/api/v1/spirits/${spirit}/stock/ws`),
      await WatchClient.open(`${srv.wsBase}/api/v1/stock/ws`),
      await WatchClient.open(`${srv.wsBase}/api/v1/spirits/${spirit}/stock/ws`),
    ];
    const sse = await SseClient.open(`${srv.base}/api/v1/spirits/${spirit}/stock/events`);
    expect(sse.response.status).toBe(200);
    await waitFor(() => streams() === PER_CLIENT, { what: "four open streams" });

    expectTooMany(await handshake(srv.base, `/api/v1/spirits/${spirit}/stock/ws`), "client", PER_CLIENT);
    expectTooMany(await handshake(srv.base, "/api/v1/stock/ws"), "client", PER_CLIENT);
    const refusedSse = await fetch(`${srv.base}/api/v1/spirits/${spirit}/stock/events`);
    expectTooMany(
      {
        status: refusedSse.status,
        header: (n) => refusedSse.headers.get(n) ?? undefined,
        body: await refusedSse.json(),
      },
      "client",
      PER_CLIENT,
    );
    // Refusals hold no slot, and the open streams are untouched.
    expect(streams()).toBe(PER_CLIENT);
    expect(held.every((w) => w.closed === undefined)).toBe(true);

    held[0]!.close();
    await waitFor(() => streams() === PER_CLIENT - 1, { what: "the socket's slot back" });
    const again = await WatchClient.open(`${srv.wsBase}/api/v1/spirits/${spirit}/stock/ws`);
    await again.until((c) => c.messages.length > 0, "the snapshot");

    sse.close();
    await waitFor(() => streams() === PER_CLIENT - 1, { what: "the event stream's slot back" });
    expect((await handshake(srv.base, `/api/v1/spirits/${spirit}/stock/ws`)).status).toBe(101);

    for (const w of [...held, again]) w.close();
    await waitFor(() => streams() === 0, { what: "every stream closed" });
  });

  test("one account: its cap holds whatever the address, and anonymous watchers are not counted in it", async () => {
    const customer = await shop.customer();
    const withToken = `${srv.wsBase}/api/v1/spirits/${spirit}/stock/ws?token=${customer.token}`;
    const mine = [await WatchClient.open(withToken)];
    const sse = await SseClient.open(`${srv.base}/api/v1/spirits/${spirit}/stock/events`, customer.headers);
    expect(sse.response.status).toBe(200);
    await waitFor(() => streams() === PER_ACCOUNT, { what: "the account's streams" });

    const refused = await handshake(srv.base, `/api/v1/stock/ws?token=${customer.token}`);
    expectTooMany(refused, "account", PER_ACCOUNT);
    expect(refused.body.detail).toContain(`${PER_ACCOUNT} open stock streams`);
    // The same address, signed out, still has room under its own cap.
    const anonymous = await WatchClient.open(`${srv.wsBase}/api/v1/spirits/${spirit}/stock/ws`);

    mine[0]!.close();
    await waitFor(() => streams() === PER_ACCOUNT, { what: "the account's slot back" });
    mine.push(await WatchClient.open(withToken));
    for (const w of [...mine, anonymous]) w.close();
    sse.close();
    await waitFor(() => streams() === 0, { what: "every stream closed" });
  });

  test("a 0 turns a cap off", async () => {
    const quota = new StreamQuota(() => 0);
    for (let i = 0; i < 300; i++)
      quota.take({ client: "10.0.0.1", account: "cus_1" }, { perClient: 0, perAccount: 0 });
    expect(quota.count("client:10.0.0.1")).toBe(0);
  });

  test("a slot whose WebSocket never opened stops counting after ten seconds", () => {
    let now = 0;
    const quota = new StreamQuota(() => now);
    const caps = { perClient: 1, perAccount: 0 };
    const lease = quota.take({ client: "10.0.0.1" }, caps);
    expect(() => quota.take({ client: "10.0.0.1" }, caps)).toThrow("1 open stock streams");
    now = 10_001;
    const next = quota.take({ client: "10.0.0.1" }, caps);
    next.open();
    now = 60_000;
    expect(quota.count("client:10.0.0.1")).toBe(1); // an open stream counts for as long as it is open
    next.release();
    lease.release(); // late, and harmless
    expect(quota.count("client:10.0.0.1")).toBe(0);
  });
});
