/** Bottles that come back after shipping, line by line: restocked through the stock engine, or recorded only. */
import { beforeAll, expect, test } from "bun:test";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { describeTargets } from "../support/targets.ts";
import { openShop } from "./shop.ts";

describeTargets("returns", (t) => {
  let shop: Awaited<ReturnType<typeof openShop>>;
  beforeAll(async () => {
    shop = await openShop(t);
  });
  const back = (id: string, body: unknown, who = shop.staff) =>
    t.call("POST", `/api/v1/orders/${id}/returns`, { headers: who.headers, body });
  async function shipped(items: { spiritId: string; quantity: number; batchId?: string }[]) {
    const c = await shop.customer();
    const order = OrderSchema.parse(await (await shop.order(c, items)).json());
    expect((await shop.act(shop.staff, order.id, "confirm")).status).toBe(200);
    expect((await shop.act(shop.staff, order.id, "ship")).status).toBe(200);
    return { c, order, lineId: order.lines[0]!.id };
  }

  test("a restocked bottle is back on sale as a return; no more than shipped; a broken one is only recorded", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 3);
    const { c, order, lineId } = await shipped([{ spiritId: s, quantity: 2 }]);
    expect((await back(order.id, { lineId, quantity: 1, reason: "unopened" }, c)).status).toBe(403);
    const first = await back(order.id, { lineId, quantity: 1, reason: "changed their mind" });
    expect(first.status).toBe(200);
    expect((await shop.inventory(s)).levels![0]).toMatchObject({ onHand: 2, reserved: 0 });
    const tooMany = await back(order.id, { lineId, quantity: 2, reason: "again" });
    expect(tooMany.status).toBe(422);
    expect((await tooMany.json()).errors[0].path).toBe("quantity");
    const broken = OrderSchema.parse(
      await (
        await back(order.id, { lineId, quantity: 1, reason: "broken in transit", restock: false })
      ).json(),
    );
    expect(broken.returns.map((r) => [r.quantity, r.restocked, r.reason])).toEqual([
      [1, true, "changed their mind"],
      [1, false, "broken in transit"],
    ]);
    expect((await shop.inventory(s)).levels![0]).toMatchObject({ onHand: 2, reserved: 0 });
    expect((await back(order.id, { lineId, quantity: 1, reason: "third" })).status).toBe(422);
    const moves = await t.call("GET", `/api/v1/inventory/${s}/movements`, { headers: shop.staff.headers });
    expect(((await moves.json()).items as { kind: string }[])[0]!.kind).toBe("return");
    expect((await shop.audit()).discrepancies).toEqual([]);
  });

  test("numbered bottles come back by number, only ones this order shipped", async () => {
    const s = await shop.spirit();
    const b = await shop.batch(s);
    const received = await shop.change(s, {
      type: "receive",
      locationId: shop.loc("a"),
      batchId: b,
      quantity: 3,
      serials: { from: 1, to: 3 },
    });
    expect(received.status).toBe(200);
    const { order, lineId } = await shipped([{ spiritId: s, quantity: 2, batchId: b }]);
    expect((await back(order.id, { lineId, quantity: 1, reason: "seal" })).status).toBe(422);
    expect((await back(order.id, { lineId, quantity: 1, reason: "seal", bottleNumbers: [3] })).status).toBe(
      422,
    );
    expect((await back(order.id, { lineId, quantity: 1, reason: "seal", bottleNumbers: [2] })).status).toBe(
      200,
    );
    expect((await shop.inventory(s)).available).toBe(2);
    const next = OrderSchema.parse(
      await (await shop.order(await shop.customer(), [{ spiritId: s, quantity: 2, batchId: b }])).json(),
    );
    expect((await shop.act(shop.staff, next.id, "confirm")).status).toBe(200);
    const read = OrderSchema.parse(
      await (await t.call("GET", `/api/v1/orders/${next.id}`, { headers: shop.staff.headers })).json(),
    );
    expect(read.lines[0]!.allocations.flatMap((a) => a.bottleNumbers).sort()).toEqual([2, 3]);
    expect((await shop.audit()).discrepancies).toEqual([]);
  });

  test("a reserved order has nothing to return", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 1);
    const order = OrderSchema.parse(
      await (await shop.order(await shop.customer(), [{ spiritId: s, quantity: 1 }])).json(),
    );
    const res = await back(order.id, { lineId: order.lines[0]!.id, quantity: 1, reason: "x" });
    expect(res.status).toBe(409);
  });
});
