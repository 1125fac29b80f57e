import type { Config } from "../../../config.ts";
import type { PaymentProvider } from "../../../deps.ts";
import { manualPayments } from "./manual.ts";
import { stripePayments } from "./stripe.ts";

/** The provider PAYMENT_PROVIDER names, built once by each runtime's entry (config has checked its keys). */
export function paymentProviderFrom(config: Config): PaymentProvider {
  if (config.PAYMENT_PROVIDER !== "stripe") return manualPayments;
  return stripePayments({
    secretKey: config.STRIPE_SECRET_KEY!,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET!,
    toleranceSeconds: config.STRIPE_WEBHOOK_TOLERANCE,
    apiBase: config.STRIPE_API_BASE,
  });
}
