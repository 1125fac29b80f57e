import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  AttemptResultSchema,
  CreatedWebhookEndpointSchema,
  DeliveryParamsSchema,
  EndpointParamsSchema,
  RotatedSecretSchema,
  WebhookAttemptListSchema,
  WebhookEndpointInputSchema,
  WebhookEndpointListSchema,
  WebhookEndpointPatchSchema,
  WebhookEndpointSchema,
  WebhookPageQuerySchema,
} from "./webhooks.schemas.ts";

const tags = ["Webhooks"];
const staffOnly = [requireRole("staff", "admin")];
const BASE = "/webhooks/endpoints";
const params = { params: EndpointParamsSchema };

export const listEndpoints = createRoute({
  method: "get",
  path: BASE,
  tags,
  summary: "List webhook endpoints (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { query: WebhookPageQuerySchema },
  responses: {
    200: jsonContent(WebhookEndpointListSchema, "One page of endpoints."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export const createEndpoint = createRoute({
  method: "post",
  path: BASE,
  tags,
  summary: "Add a webhook endpoint (staff)",
  description:
    "Events of the chosen types are POSTed to the URL, signed per Standard Webhooks. The answer holds the signing secret: it is shown this once (rotate it to get a new one). URLs on this machine or a private network are refused.",
  ...access("staff"),
  middleware: staffOnly,
  request: jsonBody(WebhookEndpointInputSchema),
  responses: {
    201: {
      ...jsonContent(CreatedWebhookEndpointSchema, "The endpoint, with its secret (shown only now)."),
      headers: z.object({
        Location: z.string().openapi({ example: "/api/v1/webhooks/endpoints/whe_01hx5k3m2n8q7r6t5v4w3x" }),
      }),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS),
  },
});

export const getEndpoint = createRoute({
  method: "get",
  path: `${BASE}/{id}`,
  tags,
  summary: "Read a webhook endpoint (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: params,
  responses: {
    200: jsonContent(WebhookEndpointSchema, "The endpoint (never its secret)."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const updateEndpoint = createRoute({
  method: "patch",
  path: `${BASE}/{id}`,
  tags,
  summary: "Change a webhook endpoint (staff)",
  description:
    "Change its URL, event types or description, or turn it off and on (on again clears its failure record).",
  ...access("staff"),
  middleware: staffOnly,
  request: { ...params, ...jsonBody(WebhookEndpointPatchSchema) },
  responses: {
    200: jsonContent(WebhookEndpointSchema, "The endpoint."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404),
  },
});

export const deleteEndpoint = createRoute({
  method: "delete",
  path: `${BASE}/{id}`,
  tags,
  summary: "Remove a webhook endpoint (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: params,
  responses: {
    204: { description: "Removed, with its deliveries and their log." },
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const rotateSecret = createRoute({
  method: "post",
  path: `${BASE}/{id}/secret/rotate`,
  operationId: "rotateWebhookEndpointSecret",
  tags,
  summary: "Rotate an endpoint's signing secret (staff)",
  description:
    "A new secret, shown once. For a day the old one signs too (`webhook-signature` then carries two signatures), so the receiver can switch without losing a delivery.",
  ...access("staff"),
  middleware: staffOnly,
  request: params,
  responses: {
    200: jsonContent(RotatedSecretSchema, "The new secret."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const listDeliveries = createRoute({
  method: "get",
  path: `${BASE}/{id}/deliveries`,
  operationId: "listWebhookEndpointDeliveries",
  tags,
  summary: "An endpoint's delivery log (staff)",
  description:
    "Every attempt, newest first: the event, the attempt's number, the receiver's status and the latency.",
  ...access("staff"),
  middleware: staffOnly,
  request: { ...params, query: WebhookPageQuerySchema },
  responses: {
    200: jsonContent(WebhookAttemptListSchema, "One page of attempts."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const redeliver = createRoute({
  method: "post",
  path: `${BASE}/{id}/deliveries/{deliveryId}/redeliver`,
  operationId: "redeliverWebhookDelivery",
  tags,
  summary: "Send a delivery again (staff)",
  description:
    "One more attempt now, with the same `webhook-id` (a receiver that keeps ids drops it if it had it).",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: DeliveryParamsSchema },
  responses: {
    200: jsonContent(AttemptResultSchema, "What the attempt got."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 422),
  },
});

export const sendTestEvent = createRoute({
  method: "post",
  path: `${BASE}/{id}/test`,
  operationId: "sendWebhookTestEvent",
  tags,
  summary: "Send a test event (staff)",
  description:
    "A signed `webhook.test` event to this endpoint now, disabled or not; it shows in the delivery log.",
  ...access("staff"),
  middleware: staffOnly,
  request: params,
  responses: {
    200: jsonContent(AttemptResultSchema, "What the attempt got."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 422),
  },
});

export type ListEndpointsRoute = typeof listEndpoints;
export type CreateEndpointRoute = typeof createEndpoint;
export type GetEndpointRoute = typeof getEndpoint;
export type UpdateEndpointRoute = typeof updateEndpoint;
export type DeleteEndpointRoute = typeof deleteEndpoint;
export type RotateSecretRoute = typeof rotateSecret;
export type ListDeliveriesRoute = typeof listDeliveries;
export type RedeliverRoute = typeof redeliver;
export type SendTestEventRoute = typeof sendTestEvent;
