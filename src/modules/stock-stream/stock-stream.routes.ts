import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { RATE_LIMITED_RESPONSE } from "../../http/api-rate-limit.ts";
import { jsonContent, problemResponses } from "../../http/openapi.ts";
import { ProblemSchema } from "../../http/problem.ts";
import { tokenQuerySchema } from "../../http/query-token.ts";
import { MAX_SUBSCRIPTIONS } from "../../stock/messages.ts";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

const SpiritParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, example: "spr_01hx5k3m2n8q7r6t5v4w3x" }),
});

const TokenQuerySchema = tokenQuerySchema(
  "An access token, for clients that cannot set the Authorization header (browsers opening a WebSocket or an EventSource). A staff or admin token adds the per-batch breakdown.",
);

const LastEventIdSchema = z.object({
  "last-event-id": z
    .string()
    .regex(/^\d{1,15}$/, "must be a stock version (a whole number)")
    .optional()
    .openapi({
      // Header names are case-insensitive; the validator sees them lower-cased.
      param: { name: "last-event-id", in: "header" },
      description:
        "The last version the client received (EventSource sends it when it reconnects): the stream starts with the current state only if it is newer.",
      example: "42",
    }),
});

/** Declared on each stream: the app-wide rate limit's 429, which here also says "too many streams". */
const tooManyStreams = {
  429: {
    ...RATE_LIMITED_RESPONSE,
    description:
      "Too many requests from this client, or too many open streams: the client's address or account already holds as many stock streams (WebSockets and event streams together) as the server allows (`code` `too-many-streams`, with `scope` and `limit`). Close one, or wait `Retry-After` seconds.",
  },
};

const upgradeResponses = {
  101: {
    description:
      "Switching Protocols: the connection is now a WebSocket carrying JSON text messages, described in the AsyncAPI document at `/api/v1/asyncapi.json`.",
  },
  426: problem("Upgrade Required: this path only takes a WebSocket handshake (`Upgrade: websocket`)."),
};

export const watchSpiritStock = createRoute({
  method: "get",
  path: "/spirits/{id}/stock/ws",
  operationId: "watchSpiritStock",
  tags: ["Stock"],
  summary: "Watch a spirit's stock over a WebSocket",
  description:
    "Upgrades to a WebSocket. The first message is a `snapshot` of the spirit's stock; then one `stock` message per committed change (sale, hold, expiry, cancellation, receipt, adjustment). `version` only grows: a watcher is never shown an older state than one it was shown. Under a burst, or to a client that reads slowly, changes may be coalesced, but the latest state is always delivered. The server pings every 30 seconds and drops a socket that does not answer. Availability is public; a staff token adds `byBatch`.",
  ...access("public", { readsToken: true }),
  request: { params: SpiritParamsSchema, query: TokenQuerySchema },
  responses: {
    ...upgradeResponses,
    ...problemResponses(401, 404, 422),
    ...tooManyStreams,
  },
});

export const watchStock = createRoute({
  method: "get",
  path: "/stock/ws",
  operationId: "watchStock",
  tags: ["Stock"],
  summary: "Watch many spirits' stock over one WebSocket",
  description: `Upgrades to a WebSocket for a catalog page. Send \`{ "type": "subscribe", "spiritIds": [...] }\` (or \`unsubscribe\`); each new subscription starts with its \`snapshot\`, then its \`stock\` messages. At most ${MAX_SUBSCRIPTIONS} spirits per socket. A message the server cannot act on gets an \`error\` message and changes nothing; a flood of them closes the socket with code 1008 (policy violation).`,
  ...access("public", { readsToken: true }),
  request: { query: TokenQuerySchema },
  responses: {
    ...upgradeResponses,
    ...problemResponses(401, 422),
    ...tooManyStreams,
  },
});

export const streamSpiritStock = createRoute({
  method: "get",
  path: "/spirits/{id}/stock/events",
  operationId: "streamSpiritStock",
  tags: ["Stock"],
  summary: "Watch a spirit's stock as Server-Sent Events",
  description:
    "The same stream as the WebSocket, as `text/event-stream` (for EventSource): each event's `data` is a `snapshot` or `stock` message and its `id` the version, so a reconnecting client's `Last-Event-ID` gets it the current state only if it is newer. Comment lines keep an idle stream alive through proxies.",
  ...access("public", { readsToken: true }),
  request: { params: SpiritParamsSchema, query: TokenQuerySchema, headers: LastEventIdSchema },
  responses: {
    200: {
      description: "The stream of stock messages.",
      content: {
        "text/event-stream": {
          schema: z.string().openapi({
            example:
              'retry: 2000\n\nid: 42\ndata: {"type":"snapshot","spiritId":"spr_01hx5k3m2n8q7r6t5v4w3x","available":12,"byLocation":[{"locationId":"edinburgh","available":12}],"status":"available","version":42,"at":"2026-06-01T12:00:00.000Z"}\n\n',
          }),
        },
      },
    },
    ...problemResponses(401, 404, 422),
    ...tooManyStreams,
  },
});

const AsyncApiDocumentSchema = z
  .object({ asyncapi: z.literal("3.0.0") })
  .passthrough()
  .openapi("AsyncApiDocument", {
    description: "An AsyncAPI 3.0 document: https://www.asyncapi.com/docs/reference/specification/v3.0.0",
  });

export const getAsyncApi = createRoute({
  method: "get",
  path: "/asyncapi.json",
  operationId: "getAsyncApiDocument",
  tags: ["Stock"],
  summary: "The AsyncAPI document of the real-time stock streams",
  ...access("public"),
  description:
    "Describes the WebSocket and Server-Sent Events channels and every message on them, generated from the same zod schemas the server validates with.",
  responses: {
    200: jsonContent(AsyncApiDocumentSchema, "The AsyncAPI 3.0 document."),
    ...problemResponses(),
  },
});

export type WatchSpiritStockRoute = typeof watchSpiritStock;
export type WatchStockRoute = typeof watchStock;
export type StreamSpiritStockRoute = typeof streamSpiritStock;
export type GetAsyncApiRoute = typeof getAsyncApi;
