/**
 * The dispatcher: every consumer gets every event in order, at least once; a failing consumer is retried
 * with backoff from the event it failed on and never holds up another; a poison event is skipped at last.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { InStatement } from "@libsql/client";
import { consumerBackoffMs } from "../../src/modules/events/dispatcher.ts";
import type { DomainEvent, EventConsumer } from "../../src/modules/events/domain-events.ts";
import { deliverEvents } from "../../src/runtime/event-work.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

const clock = new TestClock();
let app: TestApp;
let shop: Shop;
beforeAll(async () => {
  app = await createTestApp({ clock });
  shop = await openShop(app);
});
afterAll(() => app.close());

function recorder(name: string, fail: (e: DomainEvent, n: number) => boolean = () => false) {
  const seen: DomainEvent[] = [];
  let calls = 0;
  const consumer: EventConsumer = {
    name,
    async handle(e) {
      calls++;
      if (fail(e, calls)) throw new Error(`${name} is down`);
      seen.push(e);
    },
  };
  return { consumer, seen, calls: () => calls };
}

test("every consumer gets every event in the log's order; a failing one retries from where it failed", async () => {
  const good = recorder("test.good");
  let down = true;
  const flaky = recorder("test.flaky", (e) => down && e.type === "spirit.price_changed");
  app.services.events.register(good.consumer);
  app.services.events.register(flaky.consumer);
  expect(() => app.services.events.register(recorder("test.good").consumer)).toThrow("already registered");

  const s = await shop.spirit();
  await app.call("PATCH", `/api/v1/spirits/${s}`, {
    headers: { ...shop.staff.headers, "Content-Type": "application/merge-patch+json" },
    body: { price: { amountMinor: 500, currency: "GBP" } },
  });
  await shop.receive(s, 3);
  const first = await app.services.events.dispatch();
  expect(first.stockSpirits).toBeGreaterThanOrEqual(1);
  const mine = (seen: DomainEvent[]) => seen.filter((e) => e.subject === s).map((e) => e.type);
  expect(mine(good.seen)).toEqual([
    "spirit.created",
    "spirit.updated",
    "spirit.price_changed",
    "stock.changed",
  ]);
  // The flaky one stopped at the price change: nothing after it was handed over.
  expect(mine(flaky.seen)).toEqual(["spirit.created", "spirit.updated"]);
  expect(first.consumers.find((c) => c.consumer === "test.flaky")).toMatchObject({ failed: true });

  // Before the backoff is over it waits; after it, it takes up from the failed event, in order.
  expect(
    (await app.services.events.dispatch()).consumers.find((c) => c.consumer === "test.flaky"),
  ).toMatchObject({
    waiting: true,
  });
  down = false;
  clock.advance(consumerBackoffMs(1));
  await app.services.events.dispatch();
  expect(mine(flaky.seen)).toEqual(mine(good.seen));
  const seqOrder = good.seen.map((e) => e.id);
  expect(new Set(seqOrder).size).toBe(seqOrder.length);
});

test("a consumer that always fails on one event gives up on it after the attempts and goes on", async () => {
  const poisonId = { value: "" };
  const stuck = recorder("test.stuck", (e) => e.id === poisonId.value);
  app.services.events.register(stuck.consumer);
  const s = await shop.spirit();
  const rs = await app.deps.client.execute({
    sql: "SELECT id FROM outbox_events WHERE subject = ? AND type = 'spirit.created'",
    args: [s],
  });
  poisonId.value = String(rs.rows[0]!.id);
  await shop.spirit();
  for (let attempt = 1; attempt <= 12; attempt++) {
    await app.services.events.dispatch({ maxAttempts: 12 });
    clock.advance(consumerBackoffMs(attempt));
  }
  await app.services.events.dispatch({ maxAttempts: 12 });
  expect(stuck.seen.some((e) => e.id === poisonId.value)).toBe(false);
  expect(stuck.seen.at(-1)!.type).toBe("spirit.created");
  expect(stuck.seen.at(-1)!.subject).not.toBe(s);
  await shop.renewTokens();
});

test("backoff doubles from one second and stops at five minutes", () => {
  expect([1, 2, 3, 4].map((n) => consumerBackoffMs(n))).toEqual([1000, 2000, 4000, 8000]);
  expect(consumerBackoffMs(30)).toBe(300_000);
});

test("a consumer that takes events all at once gets a run's events in one call; when that fails, one by one from the one that fails", async () => {
  const calls: number[] = [];
  const seen: DomainEvent[] = [];
  let failAll = false;
  let poison = "";
  const batched: EventConsumer = {
    name: "test.batched",
    async handle(e) {
      if (e.id === poison) throw new Error("this one is broken");
      seen.push(e);
    },
    async handleAll(events) {
      calls.push(events.length);
      if (failAll) throw new Error("all at once is down");
      seen.push(...events);
    },
  };
  app.services.events.register(batched);
  await app.services.events.dispatch();
  const before = seen.length;
  expect(calls.length).toBeGreaterThan(0);
  expect(calls.every((n) => n > 1)).toBe(true);

  // Three new events: one call with all three.
  const a = await shop.spirit();
  await shop.spirit();
  await shop.spirit();
  calls.length = 0;
  await app.services.events.dispatch();
  expect(calls).toEqual([3]);
  expect(seen.slice(before).map((e) => e.type)).toEqual([
    "spirit.created",
    "spirit.created",
    "spirit.created",
  ]);
  expect(seen.at(-3)!.subject).toBe(a);

  // All at once fails: the events come one by one, and the broken one is retried from, as for any consumer.
  failAll = true;
  const b = await shop.spirit();
  const c = await shop.spirit();
  const rs = await app.deps.client.execute({
    sql: "SELECT id FROM outbox_events WHERE subject = ? AND type = 'spirit.created'",
    args: [c],
  });
  poison = String(rs.rows[0]!.id);
  const mark = seen.length;
  const run = await app.services.events.dispatch();
  expect(run.consumers.find((r) => r.consumer === "test.batched")).toMatchObject({
    failed: true,
    handled: 1,
  });
  expect(seen.slice(mark).map((e) => e.subject)).toEqual([b]);
  poison = "";
  clock.advance(consumerBackoffMs(1));
  await app.services.events.dispatch();
  expect(seen.slice(mark).map((e) => e.subject)).toEqual([b, c]);
  await shop.renewTokens();
});

test("an idle run asks the log once for all consumers, not twice for each", async () => {
  await app.services.events.dispatch();
  const client = app.deps.client;
  const realExecute = client.execute.bind(client);
  const asked: string[] = [];
  client.execute = ((stmt: InStatement) => {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    if (/event_consumer_offsets|outbox_events/.test(sql)) asked.push(sql);
    return realExecute(stmt);
  }) as typeof client.execute;
  try {
    const run = await app.services.events.dispatch();
    expect(run.consumers.length).toBeGreaterThan(2);
    expect(run.consumers.every((c) => c.handled === 0 && !c.failed)).toBe(true);
    expect(asked).toHaveLength(1);
    // A new event: the consumers behind it read their position and the log again.
    await shop.spirit();
    asked.length = 0;
    const busy = await app.services.events.dispatch();
    expect(busy.consumers.every((c) => c.handled >= 1)).toBe(true);
    expect(asked.length).toBeGreaterThan(1);
  } finally {
    client.execute = realExecute;
  }
});

test("an idle round of event work is one read; a round with work runs the steps it needs", async () => {
  while ((await deliverEvents(app.services)).more) {}
  const client = app.deps.client;
  const realExecute = client.execute.bind(client);
  const realBatch = client.batch.bind(client);
  const asked: string[] = [];
  client.execute = ((stmt: InStatement) => {
    asked.push(typeof stmt === "string" ? stmt : stmt.sql);
    return realExecute(stmt);
  }) as typeof client.execute;
  client.batch = ((stmts: InStatement[], mode) => {
    asked.push(`batch of ${stmts.length}`);
    return realBatch(stmts, mode);
  }) as typeof client.batch;
  try {
    const idle = await deliverEvents(app.services);
    expect(idle.consumers.every((c) => c.handled === 0)).toBe(true);
    expect(idle.more).toBe(false);
    expect(asked).toHaveLength(1);
    // A new event: the round's probe sees a consumer behind, and the dispatcher hands it over.
    await shop.spirit();
    asked.length = 0;
    const busy = await deliverEvents(app.services);
    expect(busy.consumers.some((c) => c.handled >= 1)).toBe(true);
    expect(asked.length).toBeGreaterThan(1);
  } finally {
    client.execute = realExecute;
    client.batch = realBatch;
  }
});
