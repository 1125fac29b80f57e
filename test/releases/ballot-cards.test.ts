/**
 * One card behind several accounts: the card fingerprint Stripe reports with a charge is kept on the
 * payment, and staff see, for each ballot entry, how many other customers paid with a card the entrant
 * paid with (`flagged=true` lists them). On both targets, with events signed by Stripe's SDK.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { CheckoutSchema } from "../../src/modules/orders/payments.schemas.ts";
import { StaffEntryListSchema } from "../../src/modules/releases/ballot.schemas.ts";
import { ReleaseSchema } from "../../src/modules/releases/releases.schemas.ts";
import { type Caller, openShop, type Shop, TEST_ADDRESS } from "../orders/shop.ts";
import { startFakeStripe } from "../support/fake-stripe.ts";
import { describeTargets } from "../support/targets.ts";

const stripe = await startFakeStripe();
afterAll(() => stripe.stop());
const HOUR = 3_600_000;

describeTargets(
  "ballot entries that share a paying card",
  (t) => {
    let shop: Shop;
    let n = 0;
    beforeAll(async () => {
      shop = await openShop(t);
    });
    const send = (e: { payload: string; headers: Record<string, string> }) =>
      t.request("/api/v1/payments/webhooks/stripe", { method: "POST", headers: e.headers, body: e.payload });

    /** An order the customer paid by card: checkout, then Stripe's charge (with the card) and success. */
    async function paidWith(c: Caller, fingerprint: string) {
      const s = await shop.spirit();
      await shop.receive(s, 2);
      const order = (await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json()) as { id: string };
      const res = await t.call("POST", `/api/v1/orders/${order.id}/checkout`, { headers: c.headers });
      const intent = stripe.intents.get(
        CheckoutSchema.parse(await res.json()).clientSecret!.split("_secret_")[0]!,
      )!;
      const charged = await send(await stripe.charge(intent.id, fingerprint));
      expect(charged.status).toBe(200);
      expect((await charged.json()).verdict).toBe("card-recorded");
      const paid = await send(
        await stripe.event("payment_intent.succeeded", { ...intent, orderId: order.id }),
      );
      expect((await paid.json()).verdict).toBe("confirmed");
    }

    async function enter(c: Caller, releaseId: string) {
      const res = await t.call("POST", `/api/v1/releases/${releaseId}/entries`, {
        headers: c.headers,
        body: {
          shipping: { ...TEST_ADDRESS, lines: [`${++n} Card Street`], country: "GB", region: "GB-SCT" },
        },
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }

    test("entrants who paid with one card are counted and flagged; another card is not", async () => {
      const [a, b, c] = [await shop.customer(), await shop.customer(), await shop.customer()];
      await paidWith(a, "fp_shared_card");
      await paidWith(b, "fp_shared_card");
      await paidWith(c, "fp_own_card");
      const now = t.deps.clock.now().getTime();
      const created = await t.call("POST", "/api/v1/releases", {
        headers: shop.staff.headers,
        body: {
          spiritId: await shop.spirit(),
          name: "The Card Ballot",
          mode: "ballot",
          allocation: 1,
          opensAt: new Date(now - HOUR).toISOString(),
          closesAt: new Date(now + HOUR).toISOString(),
        },
      });
      expect(created.status, await created.clone().text()).toBe(201);
      const release = ReleaseSchema.parse(await created.json());
      for (const who of [a, b, c]) await enter(who, release.id);

      const path = `/api/v1/releases/${release.id}/entries`;
      const all = StaffEntryListSchema.parse(
        await (await t.call("GET", path, { headers: shop.staff.headers })).json(),
      ).items;
      const byCustomer = Object.fromEntries(all.map((e) => [e.customerId, e.cardUsedByOthers]));
      expect(byCustomer).toEqual({ [a.id]: 1, [b.id]: 1, [c.id]: 0 });
      const flagged = StaffEntryListSchema.parse(
        await (await t.call("GET", `${path}?flagged=true`, { headers: shop.staff.headers })).json(),
      ).items;
      expect(flagged.map((e) => e.customerId).sort()).toEqual([a.id, b.id].sort());
      // The signal is for staff only.
      expect((await t.call("GET", path, { headers: a.headers })).status).toBe(403);
      expect((await t.call("GET", path)).status).toBe(401);
    });

    test("a charge for a payment this shop never started changes nothing", async () => {
      const res = await send(await stripe.charge("pi_not_ours", "fp_stranger"));
      expect(res.status).toBe(200);
      expect((await res.json()).verdict).toBe("ignored");
    });
  },
  { env: stripe.env() },
);
