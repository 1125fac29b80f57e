import { z } from "@hono/zod-openapi";
import { pageQueryShape } from "../../http/pagination.ts";
import { EVENT_TYPES } from "../events/domain-events.ts";

const SUBSCRIBABLE = ["*", ...EVENT_TYPES] as [string, ...string[]];

const url = z.string().max(2000, "must be at most 2000 characters").openapi({
  description: "Where events are POSTed: https, on a public address.",
  example: "https://hooks.example.com/angelshare",
});
const eventTypes = z
  .array(z.enum(SUBSCRIBABLE), { error: "must be a list of event types (or `*` for all)" })
  .min(1, "must name at least one event type (or `*` for all)")
  .max(SUBSCRIBABLE.length)
  .openapi({
    description: "The event types sent to it; `*` for every type.",
    example: ["order.paid", "order.shipped"],
  });
const description = z.string().max(500).nullable().openapi({ example: "Fulfilment partner" });

export const WebhookEndpointInputSchema = z
  .object({ url, eventTypes, description: description.optional(), enabled: z.boolean().default(true) })
  .openapi("WebhookEndpointInput");
export type WebhookEndpointInput = z.output<typeof WebhookEndpointInputSchema>;

export const WebhookEndpointPatchSchema = z
  .object({ url, eventTypes, description, enabled: z.boolean() })
  .partial()
  .openapi("WebhookEndpointPatch", {
    description: "The fields to change; re-enabling clears the failure record.",
  });
export type WebhookEndpointPatch = z.output<typeof WebhookEndpointPatchSchema>;

export const WebhookEndpointSchema = z
  .object({
    id: z.string().openapi({ example: "whe_01hx5k3m2n8q7r6t5v4w3x" }),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .openapi({ description: "Why the shop disabled it (null: staff did, or it is on)." }),
    failingSince: z
      .string()
      .nullable()
      .openapi({ description: "Since when every attempt failed (null: the last one succeeded)." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint");
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

const secret = z.string().openapi({
  description:
    "The signing secret (`whsec_…`): shown only now. Verify each request's `webhook-signature` with it (any Standard Webhooks library).",
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const CreatedWebhookEndpointSchema = WebhookEndpointSchema.extend({ secret }).openapi(
  "CreatedWebhookEndpoint",
);

export const RotatedSecretSchema = z
  .object({
    secret,
    previousValidUntil: z
      .string()
      .openapi({ description: "Until then the old secret signs too (a second signature)." }),
  })
  .openapi("RotatedWebhookSecret");

export const WebhookEndpointListSchema = z
  .object({ items: z.array(WebhookEndpointSchema), nextCursor: z.string().nullable() })
  .openapi("WebhookEndpointList");

export const WebhookAttemptSchema = z
  .object({
    id: z.string(),
    deliveryId: z.string().openapi({ description: "Redeliver with this id." }),
    eventId: z.string().openapi({ description: "The `webhook-id` the request carried." }),
    eventType: z.string(),
    attempt: z.number().int().openapi({ description: "1 for the first try of the delivery." }),
    ok: z.boolean(),
    statusCode: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The receiver's status; null if none came." }),
    error: z.string().nullable(),
    latencyMs: z.number().int(),
    at: z.string(),
    deliveryStatus: z.enum(["pending", "delivered", "failed"]).openapi({
      description:
        "The delivery now: `pending` (a retry is due), `delivered`, or `failed` (retries ran out).",
    }),
  })
  .openapi("WebhookAttempt");

export const WebhookAttemptListSchema = z
  .object({ items: z.array(WebhookAttemptSchema), nextCursor: z.string().nullable() })
  .openapi("WebhookAttemptList");

export const AttemptResultSchema = z
  .object({
    deliveryId: z.string(),
    attempt: z.number().int(),
    ok: z.boolean(),
    statusCode: z.number().int().nullable(),
    latencyMs: z.number().int(),
    error: z.string().nullable(),
    at: z.string(),
  })
  .openapi("WebhookAttemptResult");

export const EndpointParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "whe_01hx5k3m2n8q7r6t5v4w3x" }),
});
export const DeliveryParamsSchema = EndpointParamsSchema.extend({
  deliveryId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "deliveryId", in: "path" }, example: "whd_5b1c0e9d8a7f6e5d4c3b2a19" }),
});

export const WebhookPageQuerySchema = z.object({ ...pageQueryShape() });
export type WebhookPageQuery = z.output<typeof WebhookPageQuerySchema>;
