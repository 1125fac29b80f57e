/**
 * The embedded default, on both targets: no online provider; staff record offline payments, which must be
 * the order's total, and the order lifecycle's table refuses every move it does not list.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { ORDER_STATUSES } from "../../src/db/schema/orders.ts";
import { ORDER_TRANSITIONS } from "../../src/modules/orders/order-lifecycle.ts";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { CheckoutSchema, RecordedPaymentSchema } from "../../src/modules/orders/payments.schemas.ts";
import { openShop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

describeTargets("manual payments", (t) => {
  let shop: Awaited<ReturnType<typeof openShop>>;
  beforeAll(async () => {
    shop = await openShop(t);
  });
  async function reserved() {
    const s = await shop.spirit();
    await shop.receive(s, 3);
    const c = await shop.customer();
    const order = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 2 }])).json());
    return { s, c, order };
  }
  const pay = (id: string, body: unknown, who = shop.staff) =>
    t.call("POST", `/api/v1/orders/${id}/payments`, { headers: who.headers, body });

  test("a payment of the wrong amount or currency is 422 payment-mismatch and records nothing", async () => {
    const { c, order } = await reserved();
    const { amountMinor, currency } = order.total;
    for (const body of [
      { amountMinor: amountMinor - 1, currency, reference: "BACS 1" },
      { amountMinor, currency: currency === "GBP" ? "EUR" : "GBP", reference: "BACS 1" },
    ]) {
      const res = await pay(order.id, body);
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe("payment-mismatch");
    }
    expect((await pay(order.id, { amountMinor, currency }, shop.staff)).status).toBe(422);
    expect((await pay(order.id, { amountMinor, currency, reference: "x" }, c)).status).toBe(403);
    const listed = await t.call("GET", `/api/v1/orders/${order.id}/payments`, { headers: c.headers });
    expect((await listed.json()).items).toEqual([]);
  });

  test("staff record the payment: the order is confirmed and lists it; a second one is refused", async () => {
    const { c, order } = await reserved();
    const body = { ...order.total, reference: "BACS 2026-06-01 ref 88121" };
    const res = await pay(order.id, body);
    expect(res.status).toBe(201);
    const recorded = RecordedPaymentSchema.parse(await res.json());
    expect(recorded.order.status).toBe("confirmed");
    expect(recorded.payment).toMatchObject({
      provider: "manual",
      status: "succeeded",
      reference: body.reference,
    });
    const listed = await t.call("GET", `/api/v1/orders/${order.id}/payments`, { headers: c.headers });
    expect((await listed.json()).items).toHaveLength(1);
    const again = await pay(order.id, body);
    expect(again.status).toBe(409);
    expect((await again.json()).code).toBe("order-status");
  });

  test("checkout says how to pay offline; there is no Stripe endpoint", async () => {
    const { c, order } = await reserved();
    const res = await t.call("POST", `/api/v1/orders/${order.id}/checkout`, { headers: c.headers });
    const co = CheckoutSchema.parse(await res.json());
    expect(co).toMatchObject({
      provider: "manual",
      clientSecret: null,
      paymentId: null,
      amount: order.total,
    });
    expect(co.instructions).toContain(order.id);
    const hook = await t.call("POST", "/api/v1/payments/webhooks/stripe", { body: { id: "evt_1" } });
    expect(hook.status).toBe(404);
  });

  test("shipped, then delivered (staff); a customer may not, and a reserved order cannot be delivered", async () => {
    const { c, order } = await reserved();
    const deliver = (who = shop.staff) =>
      t.call("POST", `/api/v1/orders/${order.id}/deliver`, { headers: who.headers });
    expect((await deliver()).status).toBe(409);
    expect((await shop.act(shop.staff, order.id, "confirm")).status).toBe(200);
    expect((await shop.act(shop.staff, order.id, "ship")).status).toBe(200);
    expect((await deliver(c)).status).toBe(403);
    const delivered = OrderSchema.parse(await (await deliver()).json());
    expect(delivered.status).toBe("delivered");
    expect(OrderSchema.parse(await (await deliver()).json())).toEqual(delivered);
    const cancel = await shop.act(shop.staff, order.id, "cancel");
    expect(cancel.status).toBe(409);
    expect(await cancel.json()).toMatchObject({ orderStatus: "delivered", transition: "cancel" });
  });

  test("cancelling an order paid offline refunds it (staff pay it back) and ends it refunded", async () => {
    const { s, order } = await reserved();
    await pay(order.id, { ...order.total, reference: "till 42" });
    const res = await shop.act(shop.staff, order.id, "cancel");
    expect(res.status).toBe(200);
    const after = OrderSchema.parse(await res.json());
    expect(after.history.map((h) => h.status)).toEqual(["reserved", "confirmed", "cancelled", "refunded"]);
    expect((await shop.inventory(s)).available).toBe(3);
  });
});

describe("the order lifecycle table", () => {
  test("every move starts and ends in a known status, and every status is reached by some move", () => {
    const reached = new Set<string>(["reserved", "preordered"]);
    for (const [name, move] of Object.entries(ORDER_TRANSITIONS)) {
      const known: readonly string[] = ORDER_STATUSES;
      for (const s of [...move.from, move.to, ...move.done]) expect(known, name).toContain(s);
      if (move.done.length) expect(move.done as readonly string[], name).toContain(move.to);
      reached.add(move.to);
    }
    expect([...reached].sort()).toEqual([...ORDER_STATUSES].sort());
  });
});
