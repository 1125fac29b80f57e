import { type PaymentProvider, WebhookSignatureError } from "../../../deps.ts";

/**
 * The embedded default: no money moves online. Customers pay by bank transfer or in store, staff record
 * the payment with its reference (`POST /orders/{id}/payments`), and a refund is paid back the same way.
 */
export const manualPayments: PaymentProvider = {
  name: "manual",
  async startPayment({ orderId, amountMinor, currency }) {
    return {
      providerRef: null,
      clientSecret: null,
      instructions:
        `Pay ${amountMinor} (minor units) ${currency} by bank transfer or in store, quoting ${orderId}; ` +
        "the order is confirmed when the shop records the payment.",
    };
  },
  async verifyWebhook() {
    throw new WebhookSignatureError("The manual provider sends no webhooks.");
  },
  async refund() {
    return { refundRef: null };
  },
};
