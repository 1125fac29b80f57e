/**
 * A run of events reaches the notifications consumer all at once (handleAll): their notices are written in
 * one chunk, after one read of the customers' settings, instead of three round trips per event (what a
 * drop's hundred order events cost on a remote database). Handed over again, they make nothing twice.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { InStatement } from "@libsql/client";
import { openShop, type Shop } from "../orders/shop.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { emit, toldAbout } from "./support.ts";

let app: TestApp;
let shop: Shop;
beforeAll(async () => {
  app = await createTestApp();
  shop = await openShop(app);
});
afterAll(() => app.close());

/** The client's write batches that insert notifications, while `work` runs. */
async function notificationBatches(work: () => Promise<unknown>) {
  const client = app.deps.client;
  const realBatch = client.batch.bind(client);
  let batches = 0;
  client.batch = ((stmts: InStatement[], mode?: Parameters<typeof realBatch>[1]) => {
    const sqls = stmts.map((s) => (typeof s === "string" ? s : s.sql));
    if (sqls.some((sql) => sql.startsWith("INSERT INTO notifications"))) batches++;
    return realBatch(stmts, mode);
  }) as typeof client.batch;
  try {
    await work();
  } finally {
    client.batch = realBatch;
  }
  return batches;
}

test("thirty customers' events: one batch of notifications, each customer told once, again nothing twice", async () => {
  await app.services.events.dispatch();
  const customers = await Promise.all(Array.from({ length: 30 }, () => shop.customer()));
  const expiresAt = new Date(app.deps.clock.now().getTime() + 5 * 60_000).toISOString();
  const holds = await Promise.all(
    customers.map(async (c, i) => {
      const holdId = `ord_batched_${i}`;
      await emit(app, "hold.expiring", holdId, { holdId, customerId: c.id, expiresAt });
      return holdId;
    }),
  );
  expect(await notificationBatches(() => app.services.events.dispatch())).toBe(1);
  for (const [i, c] of customers.entries()) {
    const told = await toldAbout(app, c, holds[i]!);
    expect(told.map((n) => n.topic)).toEqual(["hold_expiring"]);
  }
  // The same events handed over again (the consumer's position moved back, as after a crash).
  await app.deps.client.execute(
    "UPDATE event_consumer_offsets SET seq = seq - 30 WHERE consumer = 'notifications'",
  );
  await app.services.events.dispatch();
  for (const [i, c] of customers.entries()) expect(await toldAbout(app, c, holds[i]!)).toHaveLength(1);
});
