/**
 * One watcher's WebSocket: the session the runtime runs for it. It reads what the client sends (validated
 * with the zod schemas of the stock messages), answers a bad message with an error message rather than
 * dropping the connection, and closes the socket with 1008 (policy violation) when bad messages, or
 * messages at all, come faster than a well-behaved client ever sends them.
 */

import { fieldErrors, invalidFieldsDetail } from "../../domain-error.ts";
import type { ServerSocket, SocketSession } from "../../http/web-sockets.ts";
import {
  type Audience,
  errorText,
  PONG_TEXT,
  StockClientMessageSchema,
  type StockErrorMessage,
  StockPingMessageSchema,
} from "../../stock/messages.ts";
import type { Subscription } from "./channel.ts";
import type { StreamLease } from "./stream-quota.ts";

/** What a socket asks of the hub. */
export interface SocketHub {
  opened(socket: WatchedSocket): void;
  closed(socket: WatchedSocket): void;
  subscribe(socket: WatchedSocket, spiritIds: string[]): Promise<void>;
  unsubscribe(socket: WatchedSocket, spiritIds: string[]): void;
  drained(socket: WatchedSocket): void;
  now(): number;
}

/** The largest message a client has a reason to send (100 ids of 100 characters, with room to spare). */
export const MAX_CLIENT_MESSAGE_CHARS = 16 * 1024;

/** Leaky buckets: a burst of `burst`, refilled at `perSecond`. */
const INVALID = { burst: 10, perSecond: 0.2 };
const ANY = { burst: 60, perSecond: 10 };

export const POLICY_VIOLATION = 1008;

class Bucket {
  private level = 0;
  private at = 0;
  constructor(private readonly limits: { burst: number; perSecond: number }) {}
  /** Counts one; false when the bucket overflows. */
  take(now: number): boolean {
    this.level = Math.max(0, this.level - ((now - this.at) / 1000) * this.limits.perSecond) + 1;
    this.at = now;
    return this.level <= this.limits.burst;
  }
}

export class WatchedSocket implements SocketSession {
  ws: ServerSocket | undefined;
  readonly subscriptions = new Map<string, Subscription>();
  /** Set by any sign of life (pong, message); the heartbeat terminates a socket that showed none. */
  alive = true;
  closed = false;
  /** Taken out of its topics because it reads too slowly: it gets the latest state only. */
  lagging = false;
  // Made on the first message: most watchers never send one, and there are thousands of them.
  private invalid: Bucket | undefined;
  private any: Bucket | undefined;

  constructor(
    private readonly hub: SocketHub,
    readonly audience: Audience,
    /** The one spirit of a `/spirits/{id}/stock/ws` socket; undefined for the multi-spirit socket. */
    readonly spiritId?: string,
    /** The socket's slot under its client's and account's caps (stream-quota.ts). */
    private readonly lease?: StreamLease,
  ) {}

  onOpen(ws: ServerSocket) {
    this.ws = ws;
    this.lease?.open();
    this.hub.opened(this);
    if (this.spiritId !== undefined) void this.hub.subscribe(this, [this.spiritId]);
  }

  onMessage(_ws: ServerSocket, message: string | Uint8Array) {
    this.alive = true;
    if (this.closed) return;
    this.any ??= new Bucket(ANY);
    if (!this.any.take(this.hub.now())) return this.close(POLICY_VIOLATION, "Too many messages.");
    if (typeof message !== "string") return this.reject("Messages are JSON text, not binary.");
    if (message.length > MAX_CLIENT_MESSAGE_CHARS) {
      return this.reject(`Messages are at most ${MAX_CLIENT_MESSAGE_CHARS} characters.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      return this.reject("The message is not JSON.");
    }
    if (this.spiritId !== undefined) {
      if (StockPingMessageSchema.safeParse(json).success) return void this.send(PONG_TEXT);
      return this.reject(
        'This socket watches one spirit and takes only {"type":"ping"}; subscribe to several on /api/v1/stock/ws.',
      );
    }
    const parsed = StockClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error.issues);
      return this.reject(invalidFieldsDetail("The message", errors), errors);
    }
    const msg = parsed.data;
    if (msg.type === "ping") this.send(PONG_TEXT);
    else if (msg.type === "subscribe") void this.hub.subscribe(this, msg.spiritIds);
    else this.hub.unsubscribe(this, msg.spiritIds);
  }

  onClose() {
    this.lease?.release();
    if (this.closed && !this.ws) return;
    this.closed = true;
    this.hub.closed(this);
    this.ws = undefined;
  }

  onPong() {
    this.alive = true;
  }

  onDrain() {
    this.hub.drained(this);
  }

  send(text: string) {
    if (!this.closed && this.ws) this.ws.send(text);
  }

  error(error: Omit<StockErrorMessage, "type">) {
    this.send(errorText(error));
  }

  close(code: number, reason: string) {
    if (this.closed || !this.ws) return;
    this.closed = true;
    this.ws.close(code, reason);
  }

  private reject(detail: string, errors?: StockErrorMessage["errors"]) {
    this.error({ code: "invalid-message", detail, ...(errors ? { errors } : {}) });
    this.invalid ??= new Bucket(INVALID);
    if (!this.invalid.take(this.hub.now())) this.close(POLICY_VIOLATION, "Too many invalid messages.");
  }
}
