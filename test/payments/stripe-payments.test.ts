/**
 * Stripe on both targets: the SDK against a Stripe API served on this machine, events signed with the
 * SDK's own test-header helper. Only a verified event confirms; replays, out-of-order events, wrong
 * amounts, late payments and cancellations never keep money they should not.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { customers } from "../../src/db/schema/accounts.ts";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { CheckoutSchema, PaymentListSchema } from "../../src/modules/orders/payments.schemas.ts";
import { type Caller, openShop } from "../orders/shop.ts";
import { startFakeStripe } from "../support/fake-stripe.ts";
import { describeTargets } from "../support/targets.ts";

const stripe = await startFakeStripe();
afterAll(() => stripe.stop());

describeTargets(
  "payments through Stripe",
  (t) => {
    let shop: Awaited<ReturnType<typeof openShop>>;
    beforeAll(async () => {
      shop = await openShop(t);
    });

    async function reserved(bottles = 1, stock = 5) {
      const s = await shop.spirit();
      await shop.receive(s, stock);
      const c = await shop.customer();
      const res = await shop.order(c, [{ spiritId: s, quantity: bottles }]);
      expect(res.status).toBe(201);
      return { s, c, order: OrderSchema.parse(await res.json()) };
    }
    const checkout = async (c: Caller, id: string) => {
      const res = await t.call("POST", `/api/v1/orders/${id}/checkout`, { headers: c.headers });
      expect(res.status).toBe(200);
      return CheckoutSchema.parse(await res.json());
    };
    const send = (e: { payload: string; headers: Record<string, string> }) =>
      t.request("/api/v1/payments/webhooks/stripe", { method: "POST", headers: e.headers, body: e.payload });
    const read = async (c: Caller, id: string) =>
      OrderSchema.parse(await (await t.call("GET", `/api/v1/orders/${id}`, { headers: c.headers })).json());
    const paymentsOf = async (id: string) =>
      PaymentListSchema.parse(
        await (await t.call("GET", `/api/v1/orders/${id}/payments`, { headers: shop.staff.headers })).json(),
      ).items;
    const intentOf = (co: { paymentId: string | null; clientSecret: string | null }) =>
      stripe.intents.get(co.clientSecret!.split("_secret_")[0]!)!;

    test("the customer cannot confirm; checkout gives a client secret for the order's total, once", async () => {
      const { c, order } = await reserved(2);
      expect((await shop.act(c, order.id, "confirm")).status).toBe(403);
      const first = await checkout(c, order.id);
      expect(first).toMatchObject({ provider: "stripe", amount: order.total, instructions: null });
      const intent = intentOf(first);
      expect([intent.amount, intent.currency, intent.metadata.orderId]).toEqual([
        order.total.amountMinor,
        order.total.currency.toLowerCase(),
        order.id,
      ]);
      const again = await checkout(c, order.id);
      expect(again.paymentId).toBe(first.paymentId);
      expect((await read(c, order.id)).status).toBe("reserved");
      expect((await paymentsOf(order.id)).map((p) => p.status)).toEqual(["pending"]);
    });

    test("a bad signature, another secret or a stale timestamp is 400 and changes nothing", async () => {
      const { c, order } = await reserved();
      const intent = intentOf(await checkout(c, order.id));
      const good = await stripe.event("payment_intent.succeeded", { ...intent, orderId: order.id });
      const forged = { ...good, payload: good.payload.replace(`"amount":${intent.amount}`, '"amount":1') };
      const otherSecret = await stripe.event("payment_intent.succeeded", intent, { secret: "whsec_other" });
      const stale = await stripe.event("payment_intent.succeeded", intent, {
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      });
      const unsigned = { payload: good.payload, headers: { "Content-Type": "application/json" } };
      for (const e of [forged, otherSecret, stale, unsigned]) {
        const res = await send(e);
        expect(res.status).toBe(400);
        expect((await res.json()).code).toBe("webhook-signature-invalid");
      }
      expect((await read(c, order.id)).status).toBe("reserved");
    });

    test("a verified success confirms; a replay and a late failure change nothing", async () => {
      const { c, order } = await reserved();
      const intent = intentOf(await checkout(c, order.id));
      const event = await stripe.event("payment_intent.succeeded", intent);
      const first = await send(event);
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ verdict: "confirmed", replayed: false });
      const after = await read(c, order.id);
      expect(after.status).toBe("confirmed");
      const replay = await (await send(event)).json();
      expect(replay).toMatchObject({ verdict: "confirmed", replayed: true });
      const failedLate = await (
        await send(await stripe.event("payment_intent.payment_failed", intent))
      ).json();
      expect(failedLate.verdict).toBe("stale");
      expect(await read(c, order.id)).toEqual(after);
      expect((await paymentsOf(order.id)).map((p) => p.status)).toEqual(["succeeded"]);
      const events = await t.call("GET", `/api/v1/payments/events?orderId=${order.id}`, {
        headers: shop.staff.headers,
      });
      expect(((await events.json()).items as { verdict: string }[]).map((e) => e.verdict).sort()).toEqual([
        "confirmed",
        "stale",
      ]);
    });

    test("the wrong amount is refused and refunded; the order still waits for its payment", async () => {
      const { c, order } = await reserved();
      const intent = intentOf(await checkout(c, order.id));
      const res = await send(
        await stripe.event("payment_intent.succeeded", { ...intent, amount: intent.amount - 1 }),
      );
      expect(await res.json()).toMatchObject({ verdict: "refunded:payment-mismatch" });
      expect(stripe.refunds.filter((r) => r.payment_intent === intent.id)).toHaveLength(1);
      expect((await read(c, order.id)).status).toBe("reserved");
      expect((await paymentsOf(order.id))[0]).toMatchObject({ status: "refunded" });
    });

    test("paid after the hold lapsed: held again while bottles last, else refunded", async () => {
      // Bun: the in-process coordinator keeps its own clock of holds, so time passes on the test clock. The
      // Worker's clock is real: the holds' rows are moved into the past, as the reaper would find them.
      const lapse = async (id: string) => {
        const clock = t.deps.clock as { advance?: (ms: number) => void };
        if (t.name === "bun" && clock.advance) {
          clock.advance(16 * 60_000);
          return void (await shop.audit()); // any shop call renews the callers' tokens past the jump
        }
        const past = new Date(Date.now() - 60_000).toISOString();
        await t.deps.client.execute({
          sql: "UPDATE stock_holds SET expires_at = ? WHERE order_id = ?",
          args: [past, id],
        });
        await t.deps.client.execute({
          sql: "UPDATE orders SET expires_at = ? WHERE id = ?",
          args: [past, id],
        });
      };
      const still = await reserved(1, 5);
      const stillIntent = intentOf(await checkout(still.c, still.order.id));
      await lapse(still.order.id);
      expect(
        await (await send(await stripe.event("payment_intent.succeeded", stillIntent))).json(),
      ).toMatchObject({
        verdict: "confirmed",
      });
      const held = await read(still.c, still.order.id);
      expect(held.status).toBe("confirmed");
      expect(held.history.map((h) => h.status)).toEqual(["reserved", "expired", "reserved", "confirmed"]);

      const gone = await reserved(1, 1);
      const goneIntent = intentOf(await checkout(gone.c, gone.order.id));
      await lapse(gone.order.id);
      expect((await shop.order(await shop.customer(), [{ spiritId: gone.s, quantity: 1 }])).status).toBe(201);
      expect(
        await (await send(await stripe.event("payment_intent.succeeded", goneIntent))).json(),
      ).toMatchObject({
        verdict: "refunded:hold-expired",
      });
      expect((await read(gone.c, gone.order.id)).status).toBe("refunded");
      expect(stripe.refunds.some((r) => r.payment_intent === goneIntent.id)).toBe(true);
      expect((await shop.audit()).discrepancies).toEqual([]);
    });

    test("a customer no longer of age: the payment is refunded and the order cancelled", async () => {
      const { c, order } = await reserved();
      const intent = intentOf(await checkout(c, order.id));
      await t.deps.db.update(customers).set({ dateOfBirth: "2015-01-01" }).where(eq(customers.id, c.id));
      expect(await (await send(await stripe.event("payment_intent.succeeded", intent))).json()).toMatchObject(
        {
          verdict: "refunded:under-legal-age",
        },
      );
      expect((await read(c, order.id)).history.map((h) => h.status)).toEqual([
        "reserved",
        "cancelled",
        "refunded",
      ]);
    });

    test("cancelling a paid order refunds it; a refused refund is kept owed and retried by staff", async () => {
      const { s, c, order } = await reserved();
      const intent = intentOf(await checkout(c, order.id));
      await send(await stripe.event("payment_intent.succeeded", intent));
      expect((await shop.act(c, order.id, "cancel")).status).toBe(403);
      stripe.failRefunds(true);
      const cancelled = OrderSchema.parse(await (await shop.act(shop.staff, order.id, "cancel")).json());
      expect(cancelled.status).toBe("cancelled");
      expect((await paymentsOf(order.id))[0]).toMatchObject({ status: "refund_failed" });
      expect((await shop.inventory(s)).available).toBe(5);
      stripe.failRefunds(false);
      const retried = await t.call("POST", `/api/v1/orders/${order.id}/refunds`, {
        headers: shop.staff.headers,
      });
      expect(retried.status).toBe(200);
      expect((await paymentsOf(order.id))[0]).toMatchObject({ status: "refunded" });
      expect((await read(c, order.id)).status).toBe("refunded");
      expect(stripe.refunds.filter((r) => r.payment_intent === intent.id)).toHaveLength(1);
    });
  },
  { env: stripe.env() },
);
