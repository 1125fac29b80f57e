import Stripe from "stripe";
import {
  type PaymentProvider,
  type ProviderCard,
  type ProviderEvent,
  WebhookSignatureError,
} from "../../../deps.ts";

export type StripeSettings = {
  secretKey: string;
  webhookSecret: string;
  /** Seconds a signed timestamp may be old. */
  toleranceSeconds: number;
  /** Another API base (stripe-mock, a test server). */
  apiBase?: string;
};

/** The PaymentIntent events that decide an order; others are stored and acknowledged. */
const OUTCOMES = {
  "payment_intent.succeeded": "succeeded",
  "payment_intent.payment_failed": "failed",
  "payment_intent.canceled": "canceled",
} as const;

/**
 * Stripe through its SDK, on both runtimes: requests go through `fetch` and signatures are checked with
 * Web Crypto (the SDK's own fetch client and SubtleCrypto provider), so the Worker needs no Node APIs.
 */
export function stripePayments(settings: StripeSettings): PaymentProvider {
  const base = settings.apiBase ? new URL(settings.apiBase) : undefined;
  const stripe = new Stripe(settings.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === "https:" ? 443 : 80),
          protocol: base.protocol === "http:" ? "http" : "https",
        }
      : {}),
  });
  const crypto = Stripe.createSubtleCryptoProvider();

  return {
    name: "stripe",
    async startPayment({ orderId, customerId, amountMinor, currency }) {
      const intent = await stripe.paymentIntents.create(
        {
          amount: amountMinor,
          currency: currency.toLowerCase(),
          metadata: { orderId, customerId },
          automatic_payment_methods: { enabled: true },
        },
        // One PaymentIntent per order and amount, however often the customer's app asks.
        { idempotencyKey: `order-${orderId}-${amountMinor}-${currency}` },
      );
      return { providerRef: intent.id, clientSecret: intent.client_secret, instructions: null };
    },

    async verifyWebhook(rawBody, headers): Promise<ProviderEvent> {
      const signature = headers.get("Stripe-Signature");
      if (!signature) throw new WebhookSignatureError("The Stripe-Signature header is missing.");
      let event: Stripe.Event;
      try {
        event = await stripe.webhooks.constructEventAsync(
          rawBody,
          signature,
          settings.webhookSecret,
          settings.toleranceSeconds,
          crypto,
        );
      } catch (err) {
        throw new WebhookSignatureError(err instanceof Error ? err.message : "The signature does not match.");
      }
      if (event.type === "charge.succeeded") {
        const card = cardOf(event.data.object);
        return { id: event.id, type: event.type, payload: rawBody, ...(card ? { card } : {}) };
      }
      const outcome = OUTCOMES[event.type as keyof typeof OUTCOMES];
      if (!outcome) return { id: event.id, type: event.type, payload: rawBody };
      const intent = event.data.object as Stripe.PaymentIntent;
      return {
        id: event.id,
        type: event.type,
        payload: rawBody,
        payment: {
          providerRef: intent.id,
          orderId: intent.metadata?.orderId ?? null,
          amountMinor: outcome === "succeeded" ? intent.amount_received || intent.amount : intent.amount,
          currency: intent.currency.toUpperCase(),
          outcome,
        },
      };
    },

    async refund({ providerRef, amountMinor, reason, idempotencyKey }) {
      if (!providerRef) throw new Error("A Stripe refund needs the PaymentIntent id.");
      const refund = await stripe.refunds.create(
        { payment_intent: providerRef, amount: amountMinor, metadata: { reason } },
        { idempotencyKey },
      );
      return { refundRef: refund.id };
    },
  };
}

/** The fingerprint of the card a charge took money from, with the PaymentIntent it belongs to. */
function cardOf(charge: Stripe.Charge): ProviderCard | undefined {
  const fingerprint = charge.payment_method_details?.card?.fingerprint;
  const intent =
    typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
  return fingerprint && intent ? { providerRef: intent, fingerprint } : undefined;
}
