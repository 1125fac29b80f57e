/**
 * The watchers of one spirit on Workers: WebSockets its SpiritStockObject holds through the hibernation
 * API (`ctx.acceptWebSocket`, never `accept()`), so the object can be evicted while the watchers stay
 * connected, and `ctx.getWebSockets()` finds them again when it wakes. The protocol is the one of the
 * per-spirit socket on Bun (messages.ts): a `snapshot` first, then a `stock` message per committed change,
 * `{"type":"ping"}` answered with a pong (by the runtime itself, without waking the object), anything
 * else an `invalid-message` error, and 1008 for a client that floods.
 *
 * Each socket is tagged with its audience (staff see the per-batch figures) and remembers, in its
 * attachment, the version of its snapshot: a watcher never gets a version lower than one it already has,
 * even across an eviction. It is also tagged with its client's address and account, which the stream caps
 * count (`ctx.getWebSockets(tag)`, exact across evictions). Each object counts only its own spirit's
 * sockets: on Workers the caps hold per spirit, not across spirits (no isolate or object sees them all).
 */
import type { Logger } from "../deps.ts";
import type { StockChanged } from "./events.ts";
import {
  type Audience,
  errorText,
  PONG_TEXT,
  type StockMessage,
  StockPingMessageSchema,
  stockMessage,
} from "./messages.ts";

/** Set by the Worker's route on the forwarded upgrade, after it authenticated the caller. */
export const AUDIENCE_HEADER = "X-Angelshare-Stock-Audience";
export const SPIRIT_HEADER = "X-Angelshare-Spirit-Id";
/** The watcher's address and account, set (or removed) by the Worker's route, for the stream caps. */
export const CLIENT_HEADER = "X-Angelshare-Stream-Client";
export const ACCOUNT_HEADER = "X-Angelshare-Stream-Account";

/** Caps of sockets per client address and per account (0: none); over one, `accept` answers 429 `{ scope, limit }`. */
export type SocketCaps = { perClient: number; perAccount: number };

const PING_TEXT = JSON.stringify({ type: "ping" });
const POLICY_VIOLATION = 1008;
const MAX_MESSAGE_CHARS = 16 * 1024;
/** Messages other than the exact ping text, per socket: a burst of 20, then one every 2 seconds. */
const BURST = 20;
const REFILL_PER_SECOND = 0.5;

type Attachment = { audience: Audience; version: number };

export type SpiritSockets = {
  /** Upgrades the forwarded request; the first message is the spirit's state. */
  accept(request: Request, snapshot: () => Promise<StockChanged>): Promise<Response>;
  broadcast(event: StockChanged): void;
  onMessage(ws: WebSocket, message: string | ArrayBuffer): void;
  onClose(ws: WebSocket, code: number, reason: string): void;
  /** How many watchers the object holds. */
  count(): number;
};

export function spiritSockets(ctx: DurableObjectState, logger: Logger, caps: SocketCaps): SpiritSockets {
  // The runtime answers the canonical ping itself: an idle watcher's keep-alive never wakes the object.
  ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));

  /** Versions sent since the object woke; after an eviction the attachment holds the floor. */
  const sent = new WeakMap<WebSocket, number>();
  const buckets = new WeakMap<WebSocket, { level: number; at: number }>();
  let latest: StockChanged | undefined;

  const attachment = (ws: WebSocket): Attachment => {
    const a = ws.deserializeAttachment() as Attachment | null;
    return a ?? { audience: "public", version: -1 };
  };

  const send = (ws: WebSocket, text: string) => {
    try {
      ws.send(text);
    } catch (err) {
      // One broken socket never stops the broadcast to the others.
      logger.log("debug", { msg: "stock socket send failed", err: String(err) });
    }
  };

  const text = (event: StockChanged, type: StockMessage["type"], audience: Audience) =>
    JSON.stringify(stockMessage(event, type, audience));

  const floodGuard = (ws: WebSocket): boolean => {
    const now = Date.now();
    const b = buckets.get(ws) ?? { level: 0, at: now };
    b.level = Math.max(0, b.level - ((now - b.at) / 1000) * REFILL_PER_SECOND) + 1;
    b.at = now;
    buckets.set(ws, b);
    return b.level <= BURST;
  };

  /** The owner's tags, and the cap one of them is at (then the socket must be refused). */
  const ownerOf = (request: Request) => {
    const tags: string[] = [];
    let full: { scope: "client" | "account"; limit: number } | undefined;
    const owners = [
      ["client", request.headers.get(CLIENT_HEADER), caps.perClient],
      ["account", request.headers.get(ACCOUNT_HEADER), caps.perAccount],
    ] as const;
    for (const [scope, id, limit] of owners) {
      if (!id || limit <= 0) continue;
      const tag = `${scope}:${id}`.slice(0, 256); // the runtime's longest tag
      if (!full && ctx.getWebSockets(tag).length >= limit) full = { scope, limit };
      tags.push(tag);
    }
    return { tags, full };
  };
  const refuse = (full: { scope: string; limit: number }) => Response.json(full, { status: 429 });

  return {
    async accept(request, snapshot) {
      if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
        return new Response("Expected a WebSocket upgrade.", {
          status: 426,
          headers: { Upgrade: "websocket" },
        });
      }
      const audience: Audience = request.headers.get(AUDIENCE_HEADER) === "staff" ? "staff" : "public";
      // Checked before the read (a flood of refused upgrades costs no database read) and again after it,
      // since other upgrades may have been accepted while it was awaited.
      const before = ownerOf(request);
      if (before.full) return refuse(before.full);
      const read = await snapshot();
      const owner = ownerOf(request);
      if (owner.full) return refuse(owner.full);
      // Nothing runs between here and the send: the socket gets its snapshot before any broadcast.
      const state = latest && latest.version > read.version ? latest : read;
      const { 0: client, 1: server } = new WebSocketPair();
      ctx.acceptWebSocket(server, [audience, ...owner.tags]);
      server.serializeAttachment({ audience, version: state.version } satisfies Attachment);
      sent.set(server, state.version);
      send(server, text(state, "snapshot", audience));
      return new Response(null, { status: 101, webSocket: client });
    },

    broadcast(event) {
      if (latest && event.version <= latest.version) return;
      latest = event;
      const texts: Partial<Record<Audience, string>> = {};
      for (const ws of ctx.getWebSockets()) {
        const floor = sent.get(ws) ?? attachment(ws).version;
        if (event.version <= floor) continue;
        const audience = ctx.getTags(ws).includes("staff") ? "staff" : "public";
        texts[audience] ??= text(event, "stock", audience);
        send(ws, texts[audience]);
        sent.set(ws, event.version);
      }
    },

    onMessage(ws, message) {
      if (!floodGuard(ws)) {
        ws.close(POLICY_VIOLATION, "Too many messages.");
        return;
      }
      const reject = (detail: string) => send(ws, errorText({ code: "invalid-message", detail }));
      if (typeof message !== "string") return reject("Messages are JSON text, not binary.");
      if (message.length > MAX_MESSAGE_CHARS) {
        return reject(`Messages are at most ${MAX_MESSAGE_CHARS} characters.`);
      }
      let json: unknown;
      try {
        json = JSON.parse(message);
      } catch {
        return reject("The message is not JSON.");
      }
      if (StockPingMessageSchema.safeParse(json).success) return send(ws, PONG_TEXT);
      reject('This socket watches one spirit and takes only {"type":"ping"}.');
    },

    onClose(ws, code, reason) {
      try {
        // 1005, 1006 and 1015 may be reported but never sent.
        ws.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code, reason);
      } catch {
        // Already closed.
      }
    },

    count: () => ctx.getWebSockets().length,
  };
}
