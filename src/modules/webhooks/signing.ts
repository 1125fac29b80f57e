/**
 * Standard Webhooks signing (https://www.standardwebhooks.com, the `standardwebhooks` package): each
 * request carries `webhook-id` (the event's id, the same on every retry), `webhook-timestamp` (Unix
 * seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`; two of them, space
 * separated, while a rotated-out secret still signs).
 */
import { Webhook } from "standardwebhooks";
import { bytesToBase64Url } from "../../db/keyset.ts";

/** A new signing secret: `whsec_` and 24 random bytes in base64, as Standard Webhooks libraries expect. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  // base64 (not base64url): the verifiers decode the part after whsec_ as standard base64.
  return `whsec_${bytesToBase64Url(bytes).replace(/-/g, "+").replace(/_/g, "/")}`;
}

export function signedHeaders(
  msgId: string,
  at: Date,
  body: string,
  secrets: string[],
): Record<string, string> {
  const signature = secrets.map((s) => new Webhook(s).sign(msgId, at, body)).join(" ");
  return {
    "content-type": "application/json",
    "user-agent": "AngelsShare-Webhooks/1.0",
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}
