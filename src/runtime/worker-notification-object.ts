/**
 * NotificationSocketsObject: the notifications sockets of one shard of customers on Workers
 * (notification-shards.ts picks the shard). The Worker's route authenticates the caller and reads
 * the unread count, then hands the upgrade here (`stub.fetch`); this object accepts it with the hibernation
 * API (`ctx.acceptWebSocket`, never `accept()`), so it can be evicted while the sockets stay connected and
 * `ctx.getWebSockets(tag)` finds a customer's sockets again when it wakes. The fan-out sends to them by RPC
 * (`send`). The protocol is Bun's (notification-sockets.ts): `ready` first, then `notification` and
 * `queue` messages; `{"type":"ping"}` is answered `pong` by the runtime itself, without waking the object;
 * anything else is an `error`, and too many of those close the socket with 1008.
 */
import { DurableObject } from "cloudflare:workers";
import {
  INVALID_BEFORE_CLOSE,
  INVALID_MESSAGE_DETAIL,
  MAX_SOCKETS_PER_CUSTOMER,
  NotificationClientMessageSchema,
} from "../modules/notifications/notification-sockets.ts";
import { CUSTOMER_HEADER, customerTag, UNREAD_HEADER } from "./notification-shards.ts";
import type { WorkerEnv } from "./worker-env.ts";

const PING_TEXT = JSON.stringify({ type: "ping" });
const PONG_TEXT = JSON.stringify({ type: "pong" });
const POLICY_VIOLATION = 1008;

/** 1005, 1006 and 1015 may be reported but never sent. */
const sendableCode = (code: number) => (code === 1005 || code === 1006 || code === 1015 ? 1000 : code);

const sendTo = (ws: WebSocket, text: string) => {
  try {
    ws.send(text);
    return true;
  } catch {
    // One closed socket never stops the others' messages.
    return false;
  }
};

export class NotificationSocketsObject extends DurableObject<WorkerEnv> {
  /** Invalid messages per socket since the object woke (an eviction forgives them). */
  private readonly invalid = new WeakMap<WebSocket, number>();

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
  }

  /** The WebSocket upgrade forwarded by the Worker's route; over the customer's cap, 429 `{ limit }`. */
  override async fetch(request: Request): Promise<Response> {
    const customerId = request.headers.get(CUSTOMER_HEADER);
    if (!customerId) return new Response("The forwarded upgrade names no customer.", { status: 400 });
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade.", {
        status: 426,
        headers: { Upgrade: "websocket" },
      });
    }
    const tag = customerTag(customerId);
    if (this.ctx.getWebSockets(tag).length >= MAX_SOCKETS_PER_CUSTOMER) {
      return Response.json({ limit: MAX_SOCKETS_PER_CUSTOMER }, { status: 429 });
    }
    const unreadCount = Math.max(0, Math.trunc(Number(request.headers.get(UNREAD_HEADER)) || 0));
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [tag]);
    sendTo(server, JSON.stringify({ type: "ready", unreadCount }));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends each text to every socket of its customer in this shard; answers how many sockets it reached. */
  async send(messages: { customerId: string; text: string }[]): Promise<number> {
    let reached = 0;
    for (const { customerId, text } of messages) {
      for (const ws of this.ctx.getWebSockets(customerTag(customerId))) if (sendTo(ws, text)) reached++;
    }
    return reached;
  }

  /** Sockets held, of one customer or of the whole shard. */
  async count(customerId?: string): Promise<number> {
    return this.ctx.getWebSockets(customerId === undefined ? undefined : customerTag(customerId)).length;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    let json: unknown;
    try {
      json = typeof message === "string" ? JSON.parse(message) : undefined;
    } catch {}
    // A ping the runtime did not answer (spaced differently, say) is still a ping.
    if (NotificationClientMessageSchema.safeParse(json).success) {
      sendTo(ws, PONG_TEXT);
      return;
    }
    sendTo(ws, JSON.stringify({ type: "error", detail: INVALID_MESSAGE_DETAIL }));
    const count = (this.invalid.get(ws) ?? 0) + 1;
    this.invalid.set(ws, count);
    if (count >= INVALID_BEFORE_CLOSE) ws.close(POLICY_VIOLATION, "Too many invalid messages.");
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(sendableCode(code), reason);
    } catch {
      // Already closed.
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011, "error");
  }
}
