import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { isStaff } from "../../http/auth.ts";
import { clientAddressOf } from "../../http/client-address.ts";
import { ProblemError } from "../../http/problem.ts";
import { principalWithQueryToken } from "../../http/query-token.ts";
import type { SocketSession } from "../../http/web-sockets.ts";
import type { Audience } from "../../stock/messages.ts";
import { buildAsyncApiDocument, withServers } from "./asyncapi.ts";
import { relayedEventStream } from "./relayed-event-stream.ts";
import type {
  GetAsyncApiRoute,
  StreamSpiritStockRoute,
  WatchSpiritStockRoute,
  WatchStockRoute,
} from "./stock-stream.routes.ts";
import type { StreamLease, StreamOwner } from "./stream-quota.ts";
import { WatchedSocket } from "./watched-socket.ts";

type Watcher = { audience: Audience; owner: StreamOwner };

/** Who is watching (the bearer or the `token` query parameter); the owner is what the stream caps count by. */
async function watcherOf(c: Context<AppEnv>, token: string | undefined): Promise<Watcher> {
  const principal = await principalWithQueryToken(c, token);
  return {
    audience: isStaff(principal) ? "staff" : "public",
    owner: { client: clientAddressOf(c, c.get("deps").clientAddress), account: principal?.id },
  };
}

/** A slot under the caller's stream caps, or the 429 that says which cap is full. */
function takeStreamSlot(c: Context<AppEnv>, owner: StreamOwner) {
  const { config } = c.get("deps");
  return c.get("services").stockStream.hub.quota.take(owner, {
    perClient: config.STOCK_STREAMS_PER_CLIENT,
    perAccount: config.STOCK_STREAMS_PER_ACCOUNT,
  });
}

async function requireSpirit(c: Context<AppEnv>, id: string) {
  if (!(await c.get("services").stockStream.spiritExists(id))) {
    throw new ProblemError(404, `Spirit ${id} was not found.`);
  }
}

const upgradeRequired = () =>
  new ProblemError(426, "This path takes a WebSocket handshake (`Upgrade: websocket`).", {
    title: "Upgrade required",
    code: "upgrade-required",
    headers: { Upgrade: "websocket", Connection: "Upgrade" },
  });

/**
 * Hands the request to the runtime's WebSocket upgrade, or says why it cannot be one. The session is made
 * only once the caller got a slot under the stream caps, and the slot goes back if the upgrade fails.
 */
function upgrade(c: Context<AppEnv>, owner: StreamOwner, session: (lease: StreamLease) => SocketSession) {
  const sockets = c.get("deps").sockets;
  if (!sockets) {
    throw new ProblemError(501, "This server has no WebSockets; use the Server-Sent Events stream instead.");
  }
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw upgradeRequired();
  const lease = takeStreamSlot(c, owner);
  if (!sockets.upgrade(c.req.raw, session(lease))) {
    lease.release();
    throw upgradeRequired();
  }
  // The runtime has taken the connection over; this answer is never sent.
  return new Response(null);
}

export const watchSpiritStock: RouteHandler<WatchSpiritStockRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { audience, owner } = await watcherOf(c, c.req.valid("query").token);
  await requireSpirit(c, id);
  const watchers = c.get("deps").spiritWatchers;
  if (watchers) {
    // Workers: the spirit's Durable Object accepts the socket (after the checks above, made here), and
    // counts its own sockets against the stream caps.
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw upgradeRequired();
    return watchers.forward(c.req.raw, id, audience, owner);
  }
  const hub = c.get("services").stockStream.hub;
  return upgrade(c, owner, (lease) => hub.spiritSession(id, audience, lease));
};

export const watchStock: RouteHandler<WatchStockRoute, AppEnv> = async (c) => {
  const { audience, owner } = await watcherOf(c, c.req.valid("query").token);
  const { hub, relayHub } = c.get("services").stockStream;
  const watchers = c.get("deps").spiritWatchers;
  if (watchers && relayHub) {
    // Workers: the isolate holds the socket and watches each subscribed spirit's Durable Object. No
    // isolate sees every socket of a client, so the stream caps count in the objects, per spirit.
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw upgradeRequired();
    return watchers.serve(new WatchedSocket(relayHub(owner), audience));
  }
  return upgrade(c, owner, (lease) => hub.multiSession(audience, lease));
};

export const streamSpiritStock: RouteHandler<StreamSpiritStockRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const header = c.req.valid("header")["last-event-id"];
  const lastEventId = header === undefined ? undefined : Number(header);
  const { audience, owner } = await watcherOf(c, c.req.valid("query").token);
  await requireSpirit(c, id);
  const { config, spiritWatchers } = c.get("deps");
  const stream = spiritWatchers
    ? // Workers: the stream watches the spirit's Durable Object, which counts it against the stream caps.
      await relayedEventStream(spiritWatchers, id, audience, lastEventId, owner, {
        heartbeatMs: config.STOCK_STREAM_HEARTBEAT_MS,
        backlogBytes: config.STOCK_STREAM_BACKLOG_BYTES,
      })
    : c.get("services").stockStream.hub.eventStream(id, audience, lastEventId, takeStreamSlot(c, owner));
  return new Response(stream, {
    status: 200,
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      // Proxies such as nginx would otherwise buffer the stream.
      "X-Accel-Buffering": "no",
    },
  });
};

const ASYNCAPI_PATH = "/asyncapi.json";
/** Built once per prefix (it walks every message schema); only the servers differ per request. */
const asyncApiDocuments = new Map<string, ReturnType<typeof buildAsyncApiDocument>>();

export const getAsyncApi: RouteHandler<GetAsyncApiRoute, AppEnv> = (c) => {
  // The prefix the router is mounted at, from the path this document was asked for.
  const apiPrefix = c.req.path.slice(0, -ASYNCAPI_PATH.length);
  let document = asyncApiDocuments.get(apiPrefix);
  if (!document) {
    document = buildAsyncApiDocument(apiPrefix);
    asyncApiDocuments.set(apiPrefix, document);
  }
  return c.json(withServers(document, new URL(c.req.url), apiPrefix), 200);
};
