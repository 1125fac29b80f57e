/**
 * Live notifications: each customer's WebSockets join one topic, `notifications:<customerId>`, and a new
 * notification is published to it once it is stored (the runtime's pub/sub sends it to every socket of
 * that customer, deps.sockets). The first message is `ready` with the unread count; a client may `ping`.
 * Heartbeats: a ping per socket each period, and a socket that showed no sign of life since is terminated.
 */
import { z } from "@hono/zod-openapi";
import { type Logger, systemTimers, type Timers } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import type { ServerSocket, SocketSession, WebSocketPort } from "../../http/web-sockets.ts";
import type { NotificationsContext } from "./notifications.context.ts";
import { NotificationSchema } from "./notifications.schemas.ts";

export const customerTopic = (customerId: string) => `notifications:${customerId}`;

/** Sockets one customer may hold open at once (tabs and devices); more is a 429. */
export const MAX_SOCKETS_PER_CUSTOMER = 10;

export const NotificationReadyMessageSchema = z
  .object({ type: z.literal("ready"), unreadCount: z.number().int() })
  .openapi("NotificationReadyMessage", { description: "The first message: the inbox's unread count." });
export const NotificationMessageSchema = z
  .object({ type: z.literal("notification"), notification: NotificationSchema })
  .openapi("NotificationMessage", { description: "A new notification, as the inbox lists it." });
export const NotificationPongMessageSchema = z
  .object({ type: z.literal("pong") })
  .openapi("NotificationPongMessage", { description: "The answer to a client's ping." });
export const NotificationErrorMessageSchema = z
  .object({ type: z.literal("error"), detail: z.string() })
  .openapi("NotificationErrorMessage", { description: "A client message the server cannot act on." });
export const NotificationClientMessageSchema = z.object({ type: z.literal("ping") });
const ClientMessageSchema = NotificationClientMessageSchema;

/** Invalid client messages a socket may send before it is closed with 1008 (the same on both runtimes). */
export const INVALID_BEFORE_CLOSE = 10;
const POLICY_VIOLATION = 1008;
export const INVALID_MESSAGE_DETAIL = 'This socket takes only {"type":"ping"}.';

/** The 429 for a customer who already holds as many sockets as they may (the same on both runtimes). */
export const tooManyNotificationSockets = () =>
  new DomainError(
    "too-many-streams",
    "This customer already holds as many notification sockets as they may.",
    {
      headers: { "Retry-After": "5" },
      extra: { scope: "customer" },
    },
  );

/** A live message for one customer. */
export type LiveMessage = { customerId: string; message: unknown };

/**
 * Tells each customer's open sockets, wherever the runtime keeps them: this server's hub (Bun), or the
 * Durable Objects that hold them (Workers, one call per shard for the whole list). Never throws: the
 * inbox has the notification either way.
 */
export async function publishLive(ctx: NotificationsContext, messages: LiveMessage[]) {
  const remote = ctx.deps.customerSockets;
  if (!remote) {
    for (const m of messages) ctx.hub.publish(m.customerId, m.message);
    return;
  }
  if (!messages.length) return;
  try {
    await remote.send(messages.map((m) => ({ customerId: m.customerId, text: JSON.stringify(m.message) })));
  } catch (err) {
    ctx.deps.logger.log("warn", { msg: "live notifications not sent", err: String(err) });
  }
}

type HubOptions = {
  sockets: WebSocketPort | undefined;
  heartbeatMs: number;
  logger: Logger;
  timers?: Timers | undefined;
};

export class NotificationSocket implements SocketSession {
  ws: ServerSocket | undefined;
  alive = true;
  private invalid = 0;

  constructor(
    private readonly hub: NotificationHub,
    readonly customerId: string,
    private readonly unreadCount: () => Promise<number>,
  ) {}

  onOpen(ws: ServerSocket) {
    this.ws = ws;
    ws.subscribe(customerTopic(this.customerId));
    this.hub.opened(this);
    this.unreadCount().then(
      (unreadCount) => this.send({ type: "ready", unreadCount }),
      () => this.send({ type: "ready", unreadCount: 0 }),
    );
  }

  onMessage(_ws: ServerSocket, message: string | Uint8Array) {
    this.alive = true;
    let json: unknown;
    try {
      json = typeof message === "string" ? JSON.parse(message) : undefined;
    } catch {}
    if (ClientMessageSchema.safeParse(json).success) return this.send({ type: "pong" });
    this.send({ type: "error", detail: INVALID_MESSAGE_DETAIL });
    if (++this.invalid >= INVALID_BEFORE_CLOSE)
      this.ws?.close(POLICY_VIOLATION, "Too many invalid messages.");
  }

  onClose() {
    this.hub.closed(this);
    this.ws = undefined;
  }

  onPong() {
    this.alive = true;
  }

  send(message: unknown) {
    this.ws?.send(JSON.stringify(message));
  }
}

export class NotificationHub {
  private readonly byCustomer = new Map<string, Set<NotificationSocket>>();
  private timer: unknown;
  private readonly timers: Timers;

  constructor(private readonly options: HubOptions) {
    this.timers = options.timers ?? systemTimers;
  }

  socketsOf(customerId: string) {
    return this.byCustomer.get(customerId)?.size ?? 0;
  }

  session(customerId: string, unreadCount: () => Promise<number>) {
    return new NotificationSocket(this, customerId, unreadCount);
  }

  opened(socket: NotificationSocket) {
    let set = this.byCustomer.get(socket.customerId);
    if (!set) {
      set = new Set();
      this.byCustomer.set(socket.customerId, set);
    }
    set.add(socket);
    this.timer ??= this.timers.setTimeout(() => this.beat(), this.options.heartbeatMs);
  }

  closed(socket: NotificationSocket) {
    const set = this.byCustomer.get(socket.customerId);
    set?.delete(socket);
    if (set?.size === 0) this.byCustomer.delete(socket.customerId);
  }

  /** Sends the text to every socket of the customer (serialised once; no-op without sockets). */
  publish(customerId: string, message: unknown) {
    if (!this.options.sockets || !this.byCustomer.has(customerId)) return;
    this.options.sockets.publish(customerTopic(customerId), JSON.stringify(message));
  }

  private beat() {
    this.timer = undefined;
    for (const set of this.byCustomer.values()) {
      for (const socket of set) {
        if (!socket.alive) {
          this.options.logger.log("debug", { msg: "notification socket silent, dropped" });
          socket.ws?.terminate();
          continue;
        }
        socket.alive = false;
        socket.ws?.ping();
      }
    }
    if (this.byCustomer.size > 0) {
      this.timer = this.timers.setTimeout(() => this.beat(), this.options.heartbeatMs);
    }
  }

  close() {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
