/**
 * Random sequences of lifecycle calls over HTTP (place, check out, Stripe's signed events — replayed, out of
 * order, of the wrong amount —, staff payments, cancels by customer and staff, whole and part shipments,
 * deliveries, holds lapsing), against the Bun app with Stripe's SDK on a local Stripe API. After each
 * sequence: every order's history is a path through the lifecycle table, stock and ledger reconcile (the
 * audit finds nothing), and money matches the order: a paid order holds exactly its total, once; an order
 * that ended holds none (what it took was refunded or is owed back, never silently kept).
 */
import { afterAll, expect, test } from "bun:test";
import fc from "fast-check";
import { ORDER_TRANSITIONS } from "../../src/modules/orders/order-lifecycle.ts";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { CheckoutSchema, PaymentListSchema } from "../../src/modules/orders/payments.schemas.ts";
import { type Caller, openShop, TEST_PARCEL } from "../orders/shop.ts";
import { startFakeStripe } from "../support/fake-stripe.ts";
import { createTestApp, type TestClock } from "../support/test-app.ts";

const stripe = await startFakeStripe();
afterAll(() => stripe.stop());

type Step =
  | { kind: "place"; spirit: number; quantity: number; twoSpirits: boolean }
  | { kind: "webhook"; order: number; outcome: "succeeded" | "failed" | "short"; replay: boolean }
  | {
      kind: "staff-pay" | "cancel-customer" | "cancel-staff" | "ship-all" | "ship-first" | "deliver";
      order: number;
    }
  | { kind: "lapse" };

const order = fc.nat(30);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("place" as const),
      spirit: fc.nat(1),
      quantity: fc.integer({ min: 1, max: 3 }),
      twoSpirits: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("webhook" as const),
      order,
      outcome: fc.constantFrom(
        "succeeded" as const,
        "succeeded" as const,
        "failed" as const,
        "short" as const,
      ),
      replay: fc.boolean(),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        "staff-pay" as const,
        "cancel-customer" as const,
        "cancel-staff" as const,
        "ship-all" as const,
        "ship-first" as const,
        "deliver" as const,
      ),
      order,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "lapse" as const }) },
);

/** Moves the table allows, as "from>to". */
const ALLOWED = new Set(
  Object.values(ORDER_TRANSITIONS).flatMap((t) => (t.from as readonly string[]).map((f) => `${f}>${t.to}`)),
);
const PAID = new Set(["confirmed", "partially_shipped", "shipped", "delivered"]);

test("lifecycle sequences keep the table, the stock and the money", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
      const t = await createTestApp({ env: stripe.env() });
      try {
        const shop = await openShop(t);
        const spirits = [await shop.spirit(), await shop.spirit()];
        for (const s of spirits) await shop.receive(s, 6);
        const orders: { id: string; c: Caller; intent?: { id: string; amount: number; currency: string } }[] =
          [];
        const pick = (i: number) => orders[i % Math.max(orders.length, 1)];
        for (const s of steps) {
          if (s.kind === "place") {
            const c = await shop.customer();
            const items = [{ spiritId: spirits[s.spirit]!, quantity: s.quantity }];
            if (s.twoSpirits) items.push({ spiritId: spirits[1 - s.spirit]!, quantity: 1 });
            const res = await shop.order(c, items);
            expect([201, 409]).toContain(res.status);
            if (res.status === 201) orders.push({ id: OrderSchema.parse(await res.json()).id, c });
            continue;
          }
          if (s.kind === "lapse") {
            (t.deps.clock as TestClock).advance(16 * 60_000);
            await shop.audit();
            continue;
          }
          const o = pick(s.order);
          if (!o) continue;
          let status: number;
          if (s.kind === "webhook") {
            if (!o.intent) {
              const co = await t.call("POST", `/api/v1/orders/${o.id}/checkout`, { headers: o.c.headers });
              if (co.status !== 200) continue;
              const { clientSecret } = CheckoutSchema.parse(await co.json());
              o.intent = stripe.intents.get(clientSecret!.split("_secret_")[0]!)!;
            }
            const amount = s.outcome === "short" ? o.intent.amount - 1 : o.intent.amount;
            const type =
              s.outcome === "failed" ? "payment_intent.payment_failed" : "payment_intent.succeeded";
            const event = await stripe.event(type, { ...o.intent, amount });
            for (const _ of s.replay ? [1, 2] : [1]) {
              const res = await t.app.request("/api/v1/payments/webhooks/stripe", {
                method: "POST",
                headers: event.headers,
                body: event.payload,
              });
              status = res.status;
              expect(status, await res.text()).toBe(200);
            }
            continue;
          }
          const path = `/api/v1/orders/${o.id}`;
          const staff = { headers: shop.staff.headers };
          if (s.kind === "staff-pay") status = (await shop.act(shop.staff, o.id, "confirm")).status;
          else if (s.kind === "cancel-customer") status = (await shop.act(o.c, o.id, "cancel")).status;
          else if (s.kind === "cancel-staff") status = (await shop.act(shop.staff, o.id, "cancel")).status;
          else if (s.kind === "ship-all") status = (await shop.act(shop.staff, o.id, "ship")).status;
          else if (s.kind === "deliver") status = (await t.call("POST", `${path}/deliver`, staff)).status;
          else {
            const read = OrderSchema.parse(await (await t.call("GET", path, staff)).json());
            const res = await t.call("POST", `${path}/ship`, {
              ...staff,
              body: { ...TEST_PARCEL, lineIds: [read.lines[0]!.id] },
            });
            status = res.status;
          }
          expect([200, 403, 409, 422], s.kind).toContain(status);
        }

        // The table, the stock, the money.
        expect((await shop.audit()).discrepancies).toEqual([]);
        for (const o of orders) {
          const read = OrderSchema.parse(
            await (await t.call("GET", `/api/v1/orders/${o.id}`, { headers: shop.staff.headers })).json(),
          );
          const path = read.history.map((h) => h.status);
          for (let i = 1; i < path.length; i++)
            expect(ALLOWED, path.join(" → ")).toContain(`${path[i - 1]}>${path[i]}`);
          const payments = PaymentListSchema.parse(
            await (
              await t.call("GET", `/api/v1/orders/${o.id}/payments`, { headers: shop.staff.headers })
            ).json(),
          ).items;
          const kept = payments.filter((p) => p.status === "succeeded");
          const kept$ = kept.reduce((n, p) => n + p.amount.amountMinor, 0);
          expect(kept$, `${read.status} ${JSON.stringify(payments)}`).toBe(
            PAID.has(read.status) ? read.total.amountMinor : 0,
          );
          if (read.status === "refunded")
            expect(payments.every((p) => ["refunded", "failed", "pending"].includes(p.status))).toBe(true);
        }
      } finally {
        t.close();
      }
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 30) },
  );
}, 120_000);
