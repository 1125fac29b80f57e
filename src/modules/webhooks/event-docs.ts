/**
 * Every event type as a webhook, for the OpenAPI document's `webhooks` section and the AsyncAPI document,
 * built from the same zod payloads the producers are checked against (domain-events.ts).
 */

import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import { EVENT_PAYLOADS, EVENT_TYPES, type EventType } from "../events/domain-events.ts";

/** What each type means, in a line: every type has one (the compiler holds a new type to it). */
const SAYS: Record<EventType, string> = {
  "spirit.created": "A spirit was added to the catalog.",
  "spirit.updated": "A spirit changed; `fields` names what (`batches` for its batches).",
  "spirit.price_changed": "A spirit's price or currency changed (`previous`, `price`).",
  "spirit.released": "A spirit went on sale (from announced to available, or by a release).",
  "stock.changed":
    "A spirit's availability changed. Coalesced: changes close together are one event with the latest figures; `version` only grows.",
  "stock.back_in_stock": "A spirit whose last stock event said 0 available has bottles again.",
  "order.placed": "An order was placed (its bottles held, or pre-ordered).",
  "order.paid": "A verified payment confirmed the order.",
  "order.cancelled": "The order was cancelled.",
  "order.expired": "The order's hold lapsed before it was paid.",
  "order.shipped": "Some or all of the order's lines left in a shipment.",
  "order.refunded": "Money taken for the order went back (`refund`).",
  "review.published": "A review became public (approved).",
  "release.created": "Staff scheduled a release (drop) of a spirit: its mode and window.",
  "release.opened": "A release's window opened (written within a dispatcher round of `opensAt`).",
  "release.closed":
    "A release is over: a first-come release's window closed, or a ballot settled (every bottle paid for or no entry left).",
  "release.drawn": "A ballot was drawn: its seed is published and `winners` entries were offered bottles.",
  "release.admitted":
    "A buyer in a `queue` release's waiting room was let in: their admission (to order with its token) lasts until `expiresAt`.",
  "release.won":
    "A ballot entry won (or was next when a winner's allocation rolled over): its order is reserved until `payBy`.",
  "waitlist.offered":
    "A sold-out spirit's bottles were freed and offered to the next waitlist entry: its order is reserved until `payBy`, then the offer passes on.",
  "hold.expiring": "A customer's reserved order lapses soon (`expiresAt`) unless it is paid.",
};

/** `webhook.test`: sent only by "send a test event"; never in the event log. */
const TEST_PAYLOAD = z.object({ endpointId: z.string(), message: z.string() });
export const WEBHOOK_TYPES = [...EVENT_TYPES, "webhook.test"] as const;
type WebhookType = (typeof WEBHOOK_TYPES)[number];

const payloadOf = (type: WebhookType) => (type === "webhook.test" ? TEST_PAYLOAD : EVENT_PAYLOADS[type]);
const saysOf = (type: WebhookType) =>
  type === "webhook.test" ? "A test event staff sent to check the endpoint." : SAYS[type];

/** `spirit.price_changed` is `SpiritPriceChangedWebhook`. */
export const webhookComponentName = (type: string) =>
  `${type
    .split(/[._]/)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("")}Webhook`;

/** The body POSTed for one type (Standard Webhooks' `type`, `timestamp`, `data`, plus `id` and `subject`). */
export const webhookBodySchemaOf = (type: WebhookType) =>
  z
    .object({
      id: z.string().openapi({
        description: "The event's id; also the `webhook-id` header.",
        example: "evt_01hx5k3m2n8q7r6t5v4w3x",
      }),
      type: z.literal(type),
      timestamp: z.string().openapi({
        description: "When the change committed (ISO-8601 UTC).",
        example: "2026-12-04T01:00:00.000Z",
      }),
      subject: z.string().openapi({
        description: "The id of what the event is about.",
        example: "spr_01hx4k7m2qa9c3r5t7v9wx",
      }),
      data: payloadOf(type),
    })
    .openapi(webhookComponentName(type), { description: saysOf(type) });

const HEADERS = z.object({
  "webhook-id": z
    .string()
    .openapi({ description: "The event's id, the same on every retry: drop one you have seen." }),
  "webhook-timestamp": z
    .string()
    .openapi({ description: "Unix seconds when this attempt was signed; refuse old ones." }),
  "webhook-signature": z.string().openapi({
    description:
      "`v1,<base64 HMAC-SHA256>` of `<id>.<timestamp>.<body>` with the endpoint's secret; two, space-separated, for a day after a rotation.",
  }),
});

const DELIVERY =
  "POSTed to each enabled endpoint subscribed to the type, signed per Standard Webhooks. Answer 2xx quickly; anything else (or no answer in 10 s) is retried 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h later (with jitter), then given up. Deliveries are at least once: de-duplicate on `webhook-id`.";

/** Adds one `webhooks` entry per type to the app's OpenAPI document. */
export function registerEventWebhooks(registry: OpenAPIHono["openAPIRegistry"]) {
  for (const type of WEBHOOK_TYPES) {
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: `${webhookComponentName(type)
        .replace(/Webhook$/, "")
        .replace(/^./, (c) => c.toLowerCase())}Webhook`,
      tags: ["Webhooks"],
      // The receiver checks the signature, not a token of ours.
      security: [],
      summary: saysOf(type),
      description: DELIVERY,
      request: {
        headers: HEADERS,
        body: { content: { "application/json": { schema: webhookBodySchemaOf(type) } }, required: true },
      },
      responses: {
        200: { description: "Any 2xx acknowledges the delivery." },
        default: { description: "Anything else, or no answer, is a failed attempt: it is retried." },
      },
    });
  }
}

/** The bodies by component name, for the AsyncAPI document's schemas. */
export const webhookBodySchemas = () =>
  Object.fromEntries(WEBHOOK_TYPES.map((t) => [webhookComponentName(t), webhookBodySchemaOf(t)]));

/** The AsyncAPI channel, operation and messages of the webhooks (the shop sends; endpoints receive). */
export function webhookAsyncApi() {
  const messages = Object.fromEntries(
    WEBHOOK_TYPES.map((t) => [
      t,
      {
        name: t,
        title: t,
        summary: saysOf(t),
        contentType: "application/json",
        headers: {
          type: "object",
          required: ["webhook-id", "webhook-timestamp", "webhook-signature"],
          properties: Object.fromEntries(
            Object.entries(HEADERS.shape).map(([k, v]) => [
              k,
              { type: "string", description: v.description ?? "" },
            ]),
          ),
        },
        payload: { $ref: `#/components/schemas/${webhookComponentName(t)}` },
      },
    ]),
  );
  const refs = (base: string) => WEBHOOK_TYPES.map((t) => ({ $ref: `${base}/${t}` }));
  return {
    channel: {
      address: null,
      title: "Webhooks (HTTP POST to each endpoint)",
      description: `${DELIVERY} Endpoints are managed at \`/webhooks/endpoints\` (OpenAPI document); the address is each endpoint's URL.`,
      messages: Object.fromEntries(WEBHOOK_TYPES.map((t) => [t, { $ref: `#/components/messages/${t}` }])),
    },
    operation: {
      action: "send" as const,
      channel: { $ref: "#/channels/webhooks" },
      summary: "The shop POSTs each event to the endpoints subscribed to its type.",
      messages: refs("#/channels/webhooks/messages"),
    },
    messages,
  };
}
