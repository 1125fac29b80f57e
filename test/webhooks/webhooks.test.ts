/**
 * Outbound webhooks end to end over real HTTP: staff register an endpoint, events reach a local receiver
 * signed per Standard Webhooks (verified with the `standardwebhooks` package), failures retry on the
 * schedule with jitter and are given up after about a day, a failing endpoint is disabled, a sender
 * killed mid-delivery loses nothing and a de-duplicating receiver gets each event once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RETRY_DELAYS_MS } from "../../src/modules/webhooks/retry-schedule.ts";
import { sendDueDeliveries } from "../../src/modules/webhooks/sender.ts";
import { deliverEvents } from "../../src/runtime/event-work.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";
import { startReceiver } from "./receiver.ts";

// Real time: receivers check `webhook-timestamp` against their own clock.
const clock = new TestClock(new Date());
let app: TestApp;
let shop: Shop;
let receiver: ReturnType<typeof startReceiver>;
beforeAll(async () => {
  app = await createTestApp({ clock, env: { WEBHOOKS_ALLOW_PRIVATE_URLS: "true" } });
  shop = await openShop(app);
  receiver = startReceiver();
});
afterAll(() => {
  receiver.stop();
  app.close();
});

const BASE = "/api/v1/webhooks/endpoints";
async function endpoint(eventTypes: string[], url = receiver.url) {
  await shop.renewTokens();
  const res = await app.call("POST", BASE, { headers: shop.staff.headers, body: { url, eventTypes } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string; enabled: boolean };
}
const log = async (id: string) => {
  // The tests move the clock by hours: tokens are renewed on its time.
  await shop.renewTokens();
  return (
    (await (
      await app.call("GET", `${BASE}/${id}/deliveries?limit=100`, { headers: shop.staff.headers })
    ).json()) as {
      items: {
        deliveryId: string;
        eventId: string;
        attempt: number;
        ok: boolean;
        statusCode: number | null;
        latencyMs: number;
        deliveryStatus: string;
      }[];
    }
  ).items;
};
/** Moves every endpoint's earlier events out of the way: only what a test does next is pending. */
async function settle() {
  // Back to real time (a test may have moved hours on), where the receiver checks timestamps.
  clock.set(new Date());
  await shop.renewTokens();
  await deliverEvents(app.services);
  receiver.requests.length = 0;
}

describe("managing endpoints", () => {
  test("the secret is shown once; read, list, change and remove", async () => {
    const created = await endpoint(["order.paid"]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const read = await app.call("GET", `${BASE}/${created.id}`, { headers: shop.staff.headers });
    const body = await read.json();
    expect(body).toMatchObject({ id: created.id, eventTypes: ["order.paid"], enabled: true });
    expect(body.secret).toBeUndefined();
    const listed = await (await app.call("GET", BASE, { headers: shop.staff.headers })).json();
    expect(listed.items.map((e: { id: string }) => e.id)).toContain(created.id);
    const patched = await app.call("PATCH", `${BASE}/${created.id}`, {
      headers: shop.staff.headers,
      body: { eventTypes: ["order.paid", "order.shipped"], enabled: false },
    });
    expect(await patched.json()).toMatchObject({
      eventTypes: ["order.paid", "order.shipped"],
      enabled: false,
    });
    const bad = await app.call("PATCH", `${BASE}/${created.id}`, {
      headers: shop.staff.headers,
      body: { eventTypes: ["order.eaten"] },
    });
    expect(bad.status).toBe(422);
    expect((await app.call("DELETE", `${BASE}/${created.id}`, { headers: shop.staff.headers })).status).toBe(
      204,
    );
    expect((await app.call("GET", `${BASE}/${created.id}`, { headers: shop.staff.headers })).status).toBe(
      404,
    );
    const customer = await shop.customer();
    expect((await app.call("GET", BASE, { headers: customer.headers })).status).toBe(403);
    expect((await app.call("POST", BASE, { body: { url: receiver.url, eventTypes: ["*"] } })).status).toBe(
      401,
    );
  });
});

describe("deliveries", () => {
  test("a subscribed event arrives signed, with the event's id as webhook-id; others do not", async () => {
    await settle();
    const e = await endpoint(["spirit.created"]);
    const spiritId = await shop.spirit();
    await app.call("PATCH", `/api/v1/spirits/${spiritId}`, {
      headers: { ...shop.staff.headers, "Content-Type": "application/merge-patch+json" },
      body: { abv: 50 },
    });
    await deliverEvents(app.services);
    const mine = receiver.requests.filter((r) => receiver.verify(r, e.secret).data.spiritId === spiritId);
    expect(mine).toHaveLength(1);
    const body = receiver.verify(mine[0]!, e.secret);
    expect(body).toMatchObject({ type: "spirit.created", subject: spiritId, data: { spiritId } });
    const logged = await (
      await app.call("GET", `/api/v1/events?type=spirit.created&subject=${spiritId}`, {
        headers: shop.staff.headers,
      })
    ).json();
    expect(mine[0]!.headers["webhook-id"]).toBe(logged.items[0].id);
    expect(Math.abs(Number(mine[0]!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(300);
    const [attempt] = await log(e.id);
    expect(attempt).toMatchObject({ attempt: 1, ok: true, statusCode: 200, deliveryStatus: "delivered" });
    await app.call("PATCH", `${BASE}/${e.id}`, { headers: shop.staff.headers, body: { enabled: false } });
  });

  test("failures retry on the schedule with jitter, are given up after about a day, and disable the endpoint", async () => {
    await settle();
    const e = await endpoint(["spirit.created"]);
    receiver.answer(500);
    await shop.spirit();
    await app.services.events.dispatch();
    const started = clock.now().getTime();
    await app.services.webhooks.sendDue({ random: () => 1 });
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      // Not before its time (the jitter here is the most, +20%)...
      clock.advance(delay * 1.2 - 1000);
      expect((await app.services.webhooks.sendDue({ random: () => 1 })).attempted).toBe(0);
      clock.advance(1000);
      expect((await app.services.webhooks.sendDue({ random: () => 1 })).attempted).toBe(1);
      expect((await log(e.id)).length).toBe(i + 2);
    }
    const hours = (clock.now().getTime() - started) / 3_600_000;
    expect(hours).toBeGreaterThan(24);
    expect(hours).toBeLessThan(36);
    const attempts = await log(e.id);
    expect(attempts.map((a) => a.attempt)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(attempts.every((a) => a.statusCode === 500 && !a.ok && a.latencyMs >= 0)).toBe(true);
    expect(attempts[0]!.deliveryStatus).toBe("failed");
    clock.advance(86_400_000);
    await shop.renewTokens();
    expect((await app.services.webhooks.sendDue()).attempted).toBe(0);
    const after = await (await app.call("GET", `${BASE}/${e.id}`, { headers: shop.staff.headers })).json();
    expect(after.enabled).toBe(false);
    expect(after.disabledReason).toContain("failed for a day");
    // Disabled: new events are not queued for it.
    await shop.renewTokens();
    await shop.spirit();
    await deliverEvents(app.services);
    expect((await log(e.id)).length).toBe(8);

    // Fixed and re-enabled, staff redeliver the given-up one: the same webhook-id, delivered.
    receiver.answer(200);
    const re = await app.call("PATCH", `${BASE}/${e.id}`, {
      headers: shop.staff.headers,
      body: { enabled: true },
    });
    expect(await re.json()).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    const res = await app.call("POST", `${BASE}/${e.id}/deliveries/${attempts[0]!.deliveryId}/redeliver`, {
      headers: shop.staff.headers,
    });
    expect(await res.json()).toMatchObject({ ok: true, attempt: 9, statusCode: 200 });
    expect(receiver.requests.at(-1)!.id).toBe(attempts[0]!.eventId);
    expect((await log(e.id))[0]).toMatchObject({ attempt: 9, deliveryStatus: "delivered" });
    await app.call("PATCH", `${BASE}/${e.id}`, { headers: shop.staff.headers, body: { enabled: false } });
  });

  test("a sender killed mid-delivery loses nothing, and the receiver keeping ids gets the event once", async () => {
    await settle();
    const e = await endpoint(["spirit.created"]);
    const spiritId = await shop.spirit();
    await app.services.events.dispatch();
    // The "killed" sender: its request reached the receiver, then it never got to record anything.
    const dying = (async (url: string, init: RequestInit) => {
      await fetch(url, init);
      return new Promise<Response>(() => {});
    }) as typeof fetch;
    void sendDueDeliveries(app.deps, { fetch: dying });
    const deadline = Date.now() + 2000;
    while (receiver.requests.length === 0 && Date.now() < deadline) await Bun.sleep(5);
    expect(receiver.requests).toHaveLength(1);
    // While its claim stands nobody else sends; once it lapses, the next sender does.
    expect((await app.services.webhooks.sendDue()).attempted).toBe(0);
    clock.advance(120_000);
    expect((await app.services.webhooks.sendDue()).delivered).toBe(1);
    // The dispatcher running over the same events again queues nothing twice.
    await app.deps.client.execute("UPDATE event_consumer_offsets SET seq = 0 WHERE consumer = 'webhooks'");
    await deliverEvents(app.services);
    const forSpirit = receiver.requests.filter(
      (r) => receiver.verify(r, e.secret).data.spiritId === spiritId,
    );
    expect(forSpirit).toHaveLength(2);
    expect(new Set(forSpirit.map((r) => r.id)).size).toBe(1);
    expect(
      [...receiver.unique.values()].filter(
        (b) => (b as { data: { spiritId: string } }).data.spiritId === spiritId,
      ),
    ).toHaveLength(1);
    expect((await log(e.id)).filter((a) => a.eventId === forSpirit[0]!.id).map((a) => a.ok)).toEqual([true]);
    await app.call("PATCH", `${BASE}/${e.id}`, { headers: shop.staff.headers, body: { enabled: false } });
  });

  test("a test event, and a rotated secret that signs beside the old one for a day", async () => {
    await settle();
    const e = await endpoint(["*"]);
    const res = await app.call("POST", `${BASE}/${e.id}/test`, { headers: shop.staff.headers });
    expect(await res.json()).toMatchObject({ ok: true, attempt: 1, statusCode: 200 });
    expect(receiver.verify(receiver.requests.at(-1)!, e.secret)).toMatchObject({
      type: "webhook.test",
      data: { endpointId: e.id },
    });
    const rotated = (await (
      await app.call("POST", `${BASE}/${e.id}/secret/rotate`, { headers: shop.staff.headers })
    ).json()) as { secret: string };
    expect(rotated.secret).not.toBe(e.secret);
    await app.call("POST", `${BASE}/${e.id}/test`, { headers: shop.staff.headers });
    const signed = receiver.requests.at(-1)!;
    expect(signed.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(receiver.verify(signed, rotated.secret).type).toBe("webhook.test");
    expect(receiver.verify(signed, e.secret).type).toBe("webhook.test");
    clock.advance(86_400_000 + 1000);
    await shop.renewTokens();
    await app.call("POST", `${BASE}/${e.id}/test`, { headers: shop.staff.headers });
    const late = receiver.requests.at(-1)!;
    expect(() => receiver.verify(late, e.secret)).toThrow();
  });
});
