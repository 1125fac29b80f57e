/**
 * The AsyncAPI 3.0 document of the stock streams, generated from the zod schemas of the messages
 * (src/stock/messages.ts) through the same generator as the OpenAPI document, so both documents describe
 * the messages identically and neither can drift from what the server validates and sends.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import {
  MAX_SUBSCRIPTIONS,
  StockErrorMessageSchema,
  StockPingMessageSchema,
  StockPongMessageSchema,
  StockSnapshotMessageSchema,
  StockSubscribeMessageSchema,
  StockUnsubscribeMessageSchema,
  StockUpdateMessageSchema,
} from "../../stock/messages.ts";
import { webhookAsyncApi, webhookBodySchemas } from "../webhooks/event-docs.ts";

/** The message schemas by component name (also registered in the OpenAPI document). */
export const MESSAGE_SCHEMAS = {
  StockSnapshotMessage: StockSnapshotMessageSchema,
  StockUpdateMessage: StockUpdateMessageSchema,
  StockErrorMessage: StockErrorMessageSchema,
  StockSubscribeMessage: StockSubscribeMessageSchema,
  StockUnsubscribeMessage: StockUnsubscribeMessageSchema,
  StockPingMessage: StockPingMessageSchema,
  StockPongMessage: StockPongMessageSchema,
} as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * OpenAPI 3.1 schema objects as AsyncAPI schema objects (a JSON Schema draft-07 superset): `example`
 * becomes `examples`, and a discriminator is the property's name.
 */
function asAsyncApiSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(asAsyncApiSchema);
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "example") out.examples = [value];
    else if (key === "discriminator" && value && typeof value === "object" && !Array.isArray(value)) {
      out.discriminator = value.propertyName ?? null;
    } else out[key] = asAsyncApiSchema(value);
  }
  return out;
}

function componentSchemas(): Record<string, Json> {
  const generator = new OpenAPIHono();
  for (const [name, schema] of Object.entries({ ...MESSAGE_SCHEMAS, ...webhookBodySchemas() }))
    generator.openAPIRegistry.register(name, schema);
  const doc = generator.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "", version: "" } });
  return asAsyncApiSchema(JSON.parse(JSON.stringify(doc.components?.schemas ?? {}))) as Record<string, Json>;
}

const ref = (path: string) => ({ $ref: path });

const SAMPLE = {
  spiritId: "spr_01hx5k3m2n8q7r6t5v4w3x",
  available: 11,
  byLocation: [
    { locationId: "edinburgh", available: 8 },
    { locationId: "london", available: 3 },
  ],
  status: "available",
  version: 43,
  at: "2026-06-01T12:00:01.250Z",
};

const messages = {
  snapshot: {
    name: "snapshot",
    title: "Stock snapshot",
    summary: "The spirit's current stock; the first message of every subscription.",
    payload: ref("#/components/schemas/StockSnapshotMessage"),
    examples: [{ name: "snapshot", payload: { type: "snapshot", ...SAMPLE, available: 12, version: 42 } }],
  },
  stock: {
    name: "stock",
    title: "Stock changed",
    summary: "The spirit's stock after a committed change; newer than anything sent before on the stream.",
    payload: ref("#/components/schemas/StockUpdateMessage"),
    examples: [{ name: "after a sale", payload: { type: "stock", ...SAMPLE } }],
  },
  error: {
    name: "error",
    title: "Error",
    summary: "A client message the server could not act on; nothing changed and the socket stays open.",
    payload: ref("#/components/schemas/StockErrorMessage"),
    examples: [
      {
        name: "too many subscriptions",
        payload: {
          type: "error",
          code: "too-many-subscriptions",
          detail: `A socket watches at most ${MAX_SUBSCRIPTIONS} spirits.`,
          limit: MAX_SUBSCRIPTIONS,
          spiritIds: ["spr_01hx5k3m2n8q7r6t5v4w3y"],
        },
      },
    ],
  },
  subscribe: {
    name: "subscribe",
    title: "Subscribe",
    summary: `Start watching up to ${MAX_SUBSCRIPTIONS} spirits on this socket.`,
    payload: ref("#/components/schemas/StockSubscribeMessage"),
    examples: [
      {
        name: "two spirits",
        payload: { type: "subscribe", spiritIds: [SAMPLE.spiritId, "spr_01hx5k3m2n8q7r6t5v4w3y"] },
      },
    ],
  },
  unsubscribe: {
    name: "unsubscribe",
    title: "Unsubscribe",
    summary: "Stop watching spirits.",
    payload: ref("#/components/schemas/StockUnsubscribeMessage"),
  },
  ping: {
    name: "ping",
    title: "Ping",
    summary: "Application keep-alive (browsers cannot send WebSocket pings); answered with a pong.",
    payload: ref("#/components/schemas/StockPingMessage"),
  },
  pong: {
    name: "pong",
    title: "Pong",
    summary: "The answer to a ping.",
    payload: ref("#/components/schemas/StockPongMessage"),
  },
};

type MessageName = keyof typeof messages;

const channelMessages = (...names: MessageName[]) =>
  Object.fromEntries(names.map((n) => [n, ref(`#/components/messages/${n}`)]));

const operationMessages = (channel: string, ...names: MessageName[]) =>
  names.map((n) => ref(`#/channels/${channel}/messages/${n}`));

const spiritIdParameter = { spiritId: { description: "The spirit's id.", examples: [SAMPLE.spiritId] } };

const tokenQuery = {
  type: "object",
  properties: {
    token: {
      type: "string",
      description:
        "An access token, for browsers that cannot set headers on a WebSocket or EventSource; a staff or admin token adds `byBatch`.",
    },
  },
};

const HEARTBEAT =
  "The server pings every socket periodically (30 seconds by default) and terminates one that has not answered by the next ping; clients that cannot answer pings themselves may also send `ping` messages.";

/** Where the caps on open streams are counted differs by deployment; say so where it matters. */
const ON_WORKERS =
  "On Cloudflare Workers the stream watches each spirit's Durable Object, and the caps on open streams hold per spirit.";

/** The document without its servers (they depend on the host the client reached). */
export function buildAsyncApiDocument(apiPrefix: string) {
  // The domain events, as the webhooks that carry them (src/modules/webhooks/event-docs.ts).
  const webhooks = webhookAsyncApi();
  return {
    asyncapi: "3.0.0" as const,
    info: {
      title: "Angel's Share real-time stock",
      version: "1.0.0",
      description: `Live availability of spirits, for product pages and drop countdowns. Every committed change of a spirit's stock (a sale, a hold, an expired hold, a cancellation, a receipt or an adjustment) reaches its watchers as one message.

- **Order**: each message carries the spirit's stock \`version\`, which only grows; a watcher is never sent a version lower than one it was already sent. Keep the highest and ignore anything older.
- **Coalescing**: under a burst, or for a client that reads slowly, intermediate changes may be skipped, but the latest state is always delivered.
- **Audience**: availability is public. A staff or admin access token (\`Authorization: Bearer\`, or the \`token\` query parameter) adds the per-batch breakdown \`byBatch\`.
- **Errors** before the upgrade (unknown spirit, bad token, bad parameters) are \`application/problem+json\` HTTP answers, as described in the OpenAPI document at \`${apiPrefix}/openapi.json\`.`,
      externalDocs: { description: "HTTP API reference", url: "/docs" },
    },
    defaultContentType: "application/json",
    channels: {
      spiritStock: {
        address: "/spirits/{spiritId}/stock/ws",
        title: "One spirit's stock (WebSocket)",
        description: `A snapshot, then one \`stock\` message per committed change. The socket takes only \`ping\` messages. ${HEARTBEAT}`,
        servers: [ref("#/servers/websocket")],
        parameters: spiritIdParameter,
        messages: channelMessages("snapshot", "stock", "error", "ping", "pong"),
        bindings: { ws: { method: "GET", query: tokenQuery, bindingVersion: "0.1.0" } },
      },
      stock: {
        address: "/stock/ws",
        title: "Many spirits' stock (WebSocket)",
        description: `Subscribe to up to ${MAX_SUBSCRIPTIONS} spirits; each new subscription starts with its snapshot. A subscribe naming an unknown spirit, or going over the limit, subscribes nothing and is answered with an \`error\`; too many invalid messages close the socket with code 1008. ${HEARTBEAT} ${ON_WORKERS}`,
        servers: [ref("#/servers/websocket")],
        messages: channelMessages("subscribe", "unsubscribe", "ping", "snapshot", "stock", "error", "pong"),
        bindings: { ws: { method: "GET", query: tokenQuery, bindingVersion: "0.1.0" } },
      },
      spiritStockEvents: {
        address: "/spirits/{spiritId}/stock/events",
        title: "One spirit's stock (Server-Sent Events)",
        description: `The same messages as \`spiritStock\`, as \`text/event-stream\`: each event's \`data\` is one message and its \`id\` the version. An EventSource that reconnects sends \`Last-Event-ID\` and gets the current state only if it is newer. Comment lines keep an idle stream alive; a stream whose client stopped reading is ended. ${ON_WORKERS}`,
        servers: [ref("#/servers/http")],
        parameters: spiritIdParameter,
        messages: channelMessages("snapshot", "stock", "error"),
      },
      webhooks: webhooks.channel,
    },
    operations: {
      receiveSpiritStock: {
        action: "receive",
        channel: ref("#/channels/spiritStock"),
        summary: "Receive one spirit's stock.",
        messages: operationMessages("spiritStock", "snapshot", "stock", "error", "pong"),
      },
      pingSpiritStock: {
        action: "send",
        channel: ref("#/channels/spiritStock"),
        summary: "Keep the socket alive from a client that cannot send WebSocket pings.",
        messages: operationMessages("spiritStock", "ping"),
      },
      sendStockSubscriptions: {
        action: "send",
        channel: ref("#/channels/stock"),
        summary: "Change which spirits the socket watches.",
        messages: operationMessages("stock", "subscribe", "unsubscribe", "ping"),
      },
      receiveStock: {
        action: "receive",
        channel: ref("#/channels/stock"),
        summary: "Receive the stock of the subscribed spirits.",
        messages: operationMessages("stock", "snapshot", "stock", "error", "pong"),
      },
      receiveSpiritStockEvents: {
        action: "receive",
        channel: ref("#/channels/spiritStockEvents"),
        summary: "Receive one spirit's stock as Server-Sent Events.",
        messages: operationMessages("spiritStockEvents", "snapshot", "stock", "error"),
      },
      sendWebhooks: webhooks.operation,
    },
    components: {
      schemas: componentSchemas(),
      messages: { ...messages, ...webhooks.messages },
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "Optional: an access token in the Authorization header. Staff and admins also get `byBatch`.",
        },
        tokenQuery: {
          type: "httpApiKey",
          name: "token",
          in: "query",
          description: "Optional: the access token as the `token` query parameter, for browsers.",
        },
      },
    },
  };
}

export type AsyncApiDocument = ReturnType<typeof buildAsyncApiDocument>;

/** Adds the servers: the host and scheme the client reached this server with. */
export function withServers(document: AsyncApiDocument, url: URL, apiPrefix: string) {
  const secure = url.protocol === "https:";
  const security = [
    ref("#/components/securitySchemes/bearer"),
    ref("#/components/securitySchemes/tokenQuery"),
  ];
  return {
    ...document,
    servers: {
      websocket: {
        host: url.host,
        protocol: secure ? "wss" : "ws",
        pathname: apiPrefix,
        description: "This server's WebSocket endpoints (tokens are optional).",
        security,
      },
      http: {
        host: url.host,
        protocol: secure ? "https" : "http",
        pathname: apiPrefix,
        description: "This server's Server-Sent Events endpoints (tokens are optional).",
        security,
      },
    },
  };
}
