/**
 * Stripe's API as far as our provider calls it (create a PaymentIntent, create a refund), served by a real
 * HTTP server on this machine: Stripe's cloud is outside it. The SDK talks to it unchanged (STRIPE_API_BASE),
 * and tests sign webhook events with the SDK's own test-header helper.
 */
import Stripe from "stripe";

export const STRIPE_TEST_KEY = "sk_test_angelshare_fake";
export const STRIPE_WEBHOOK_SECRET = "whsec_angelshare_test_secret";

type Intent = { id: string; amount: number; currency: string; metadata: Record<string, string> };
type Refund = { id: string; payment_intent: string; amount: number };

export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;

export async function startFakeStripe() {
  const intents = new Map<string, Intent>();
  const refunds: Refund[] = [];
  const byKey = new Map<string, unknown>();
  let n = 0;
  let refundsFail = false;
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.headers.get("Authorization") !== `Bearer ${STRIPE_TEST_KEY}`) {
        return json({ error: { type: "authentication_error", message: "bad key" } }, 401);
      }
      const form = new URLSearchParams(await req.text());
      const key = req.headers.get("Idempotency-Key");
      if (key && byKey.has(key)) return json(byKey.get(key));
      let body: unknown;
      if (req.method === "POST" && url.pathname === "/v1/payment_intents") {
        const id = `pi_fake_${++n}`;
        const metadata: Record<string, string> = {};
        for (const [k, v] of form) {
          const m = /^metadata\[(.+)\]$/.exec(k);
          if (m) metadata[m[1]!] = v;
        }
        const intent = { id, amount: Number(form.get("amount")), currency: form.get("currency")!, metadata };
        intents.set(id, intent);
        body = {
          ...intent,
          object: "payment_intent",
          client_secret: `${id}_secret_x`,
          status: "requires_payment_method",
        };
      } else if (req.method === "POST" && url.pathname === "/v1/refunds") {
        if (refundsFail) return json({ error: { type: "api_error", message: "refunds are down" } }, 400);
        const refund = {
          id: `re_fake_${++n}`,
          payment_intent: form.get("payment_intent")!,
          amount: Number(form.get("amount")),
        };
        refunds.push(refund);
        body = { ...refund, object: "refund", status: "succeeded" };
      } else {
        return json({ error: { type: "invalid_request_error", message: "not faked" } }, 404);
      }
      if (key) byKey.set(key, body);
      return json(body);
    },
  });
  const sdk = new Stripe(STRIPE_TEST_KEY);
  /** An event's body and its Stripe-Signature header, made with the SDK's own test helper. */
  async function signed(event: unknown, options: { secret?: string; timestamp?: number } = {}) {
    const payload = JSON.stringify(event);
    const signature = await sdk.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: options.secret ?? STRIPE_WEBHOOK_SECRET,
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    });
    return { payload, headers: { "Content-Type": "application/json", "Stripe-Signature": signature } };
  }

  return {
    url: `http://127.0.0.1:${server.port}`,
    intents,
    refunds,
    failRefunds(on: boolean) {
      refundsFail = on;
    },
    env(): Record<string, string> {
      return {
        PAYMENT_PROVIDER: "stripe",
        STRIPE_SECRET_KEY: STRIPE_TEST_KEY,
        STRIPE_WEBHOOK_SECRET: STRIPE_WEBHOOK_SECRET,
        STRIPE_API_BASE: `http://127.0.0.1:${server.port}`,
      };
    },
    /** A `charge.succeeded` event: the charge of a PaymentIntent, with its card's fingerprint. */
    charge(intentId: string, fingerprint: string) {
      return signed({
        id: `evt_fake_${++n}`,
        object: "event",
        type: "charge.succeeded",
        api_version: "2026-01-01",
        created: Math.floor(Date.now() / 1000),
        data: {
          object: {
            id: `ch_fake_${++n}`,
            object: "charge",
            payment_intent: intentId,
            payment_method_details: { type: "card", card: { brand: "visa", last4: "4242", fingerprint } },
          },
        },
      });
    },
    /** A PaymentIntent event as Stripe sends it, with its Stripe-Signature header. */
    async event(
      type: string,
      intent: { id: string; amount: number; currency: string; orderId?: string },
      options: { id?: string; secret?: string; timestamp?: number } = {},
    ) {
      return signed(
        {
          id: options.id ?? `evt_fake_${++n}`,
          object: "event",
          type,
          api_version: "2026-01-01",
          created: Math.floor(Date.now() / 1000),
          data: {
            object: {
              id: intent.id,
              object: "payment_intent",
              amount: intent.amount,
              amount_received: type === "payment_intent.succeeded" ? intent.amount : 0,
              currency: intent.currency.toLowerCase(),
              metadata: intent.orderId ? { orderId: intent.orderId } : {},
            },
          },
        },
        options,
      );
    },
    stop: () => server.stop(true),
  };
}
