/**
 * One receiver that hangs does not hold up the others: the sender keeps its attempts in flight slot by slot,
 * at most half of them to one endpoint, so the other endpoints' deliveries go on while the hanging ones wait
 * for their answer (or their timeout). Real parts: two Bun.serve receivers, the sender, the dispatcher.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sendDueDeliveries } from "../../src/modules/webhooks/sender.ts";
import { deliverEvents } from "../../src/runtime/event-work.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { startReceiver } from "./receiver.ts";

let app: TestApp;
let shop: Shop;
const fast = startReceiver();
let release!: () => void;
const released = new Promise<void>((r) => {
  release = r;
});
let hanging = 0;
const slow = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch() {
    hanging++;
    await released;
    return new Response(null, { status: 200 });
  },
});

beforeAll(async () => {
  app = await createTestApp({ env: { WEBHOOKS_ALLOW_PRIVATE_URLS: "true" } });
  shop = await openShop(app);
});
afterAll(() => {
  release();
  fast.stop();
  slow.stop(true);
  app.close();
});

test("a receiver that hangs holds at most half the slots; every other endpoint's deliveries arrive meanwhile", async () => {
  for (const url of [`http://127.0.0.1:${slow.port}/hooks`, fast.url]) {
    const res = await app.call("POST", "/api/v1/webhooks/endpoints", {
      headers: shop.staff.headers,
      body: { url, eventTypes: ["spirit.created"] },
    });
    expect(res.status).toBe(201);
  }
  for (let i = 0; i < 10; i++) await shop.spirit();
  // Queue the deliveries without sending them: the events reach the webhook consumer.
  await app.services.events.dispatch();
  const sending = sendDueDeliveries(app.deps, { concurrency: 8, timeoutMs: 30_000 });
  const deadline = Date.now() + 5_000;
  while (fast.requests.length < 10 && Date.now() < deadline) await Bun.sleep(5);
  expect(fast.requests).toHaveLength(10);
  expect(hanging).toBe(4);
  release();
  expect(await sending).toMatchObject({ attempted: 20, delivered: 20 });
  expect(hanging).toBe(10);
  expect((await deliverEvents(app.services)).webhooks.attempted).toBe(0);
});
