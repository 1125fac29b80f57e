/**
 * `hold.expiring`: a reserved order is announced once, shortly before its hold lapses (a third of the
 * hold's length, at most two hours before), and its customer is told; nothing is announced earlier, for a
 * paid order, or again.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openShop, type Shop } from "../orders/shop.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";
import { dispatch, toldAbout } from "./support.ts";

const clock = new TestClock(new Date("2026-06-01T12:00:00.000Z"));
let app: TestApp;
let shop: Shop;
beforeAll(async () => {
  app = await createTestApp({ clock });
  shop = await openShop(app);
});
afterAll(() => app.close());

const announced = async (orderId: string) =>
  (
    await app.deps.client.execute({
      sql: "SELECT payload FROM outbox_events WHERE type = 'hold.expiring' AND subject = ?",
      args: [orderId],
    })
  ).rows.map((r) => JSON.parse(String(r.payload)));

test("a 15-minute hold is announced once, five minutes before it lapses, to its customer", async () => {
  clock.set("2026-06-01T12:00:00.000Z");
  const spiritId = await shop.spirit({ holdMinutes: 15 });
  await shop.receive(spiritId, 3);
  const buyer = await shop.customer();
  const payer = await shop.customer();
  const held = (await (await shop.order(buyer, [{ spiritId, quantity: 1 }])).json()) as {
    id: string;
    expiresAt: string;
  };
  const paid = (await (await shop.order(payer, [{ spiritId, quantity: 1 }])).json()) as { id: string };
  expect((await shop.act(shop.staff, paid.id, "confirm")).status).toBe(200);
  expect(held.expiresAt).toBe("2026-06-01T12:15:00.000Z");

  clock.set("2026-06-01T12:09:59.000Z");
  await dispatch(app);
  expect(await announced(held.id)).toEqual([]);
  clock.set("2026-06-01T12:10:00.000Z");
  await dispatch(app);
  expect(await announced(held.id)).toEqual([
    { holdId: held.id, customerId: buyer.id, expiresAt: "2026-06-01T12:15:00.000Z" },
  ]);
  clock.set("2026-06-01T12:12:00.000Z");
  await dispatch(app);
  expect(await announced(held.id)).toHaveLength(1);
  expect(await announced(paid.id)).toEqual([]);

  await shop.renewTokens();
  const told = await toldAbout(app, buyer, held.id);
  expect(told.map((x) => x.topic).sort()).toEqual(["hold_expiring", "order_status"]);
  expect(told.find((x) => x.topic === "hold_expiring")!.body).toContain("2026-06-01 12:15 UTC");
  expect((await toldAbout(app, payer, paid.id)).map((x) => x.topic)).toEqual([
    "order_status",
    "order_status",
  ]);

  // Lapsed: expired, never announced again.
  clock.set("2026-06-01T12:16:00.000Z");
  await app.services.orders.expireDue();
  await dispatch(app);
  expect(await announced(held.id)).toHaveLength(1);
});
