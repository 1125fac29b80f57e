/**
 * One spirit's stream while anyone watches it: the latest committed state seen on the event bus, its
 * texts (serialized once per event and audience, never once per watcher), and who is watching.
 *
 * Watchers on a WebSocket are either `live` (subscribed to the spirit's topic, so the runtime fans the
 * text out in native code) or `off` the topic (just opened, or lagging behind a slow reader): those get
 * the latest state one by one, which is also how a version already shown is never shown again.
 */
import type { StockChanged } from "../../stock/events.ts";
import { type Audience, stockMessage } from "../../stock/messages.ts";
import type { WatchedSocket } from "./watched-socket.ts";

export type Subscription = {
  readonly socket: WatchedSocket;
  readonly channel: Channel;
  /** The highest version this subscription was sent (-1: nothing yet). */
  lastVersion: number;
  mode: "opening" | "off" | "live";
};

/** A Server-Sent Events stream of one spirit. */
export interface EventSink {
  readonly audience: Audience;
  lastVersion: number;
  /** Offers the channel's latest state; the sink takes it now or remembers to take it when it can. */
  offer(): void;
}

const encoder = new TextEncoder();

export const topicOf = (spiritId: string, audience: Audience) =>
  audience === "staff" ? `stock:${spiritId}:staff` : `stock:${spiritId}`;

export class Channel {
  /** The highest version seen on the bus while the channel existed (-1: none yet). */
  version = -1;
  latest: StockChanged | undefined;
  readonly subscriptions = new Set<Subscription>();
  /** Subscriptions not in the topic: opening, catching up, or lagging. */
  readonly off = new Set<Subscription>();
  readonly sinks = new Set<EventSink>();
  readonly live = { public: 0, staff: 0 };
  /** One snapshot read at a time per spirit: a thousand watchers arriving together cost one read. */
  snapshotting: Promise<StockChanged | undefined> | undefined;

  private texts: Partial<Record<Audience, string>> = {};
  private frames: Partial<Record<Audience, Uint8Array>> = {};
  private snapshotState: StockChanged | undefined;
  private snapshotTexts: Partial<Record<Audience, string>> = {};

  constructor(readonly spiritId: string) {}

  get empty() {
    return this.subscriptions.size === 0 && this.sinks.size === 0;
  }

  /** Takes a newer event; false for one not newer than what the channel has. */
  accept(event: StockChanged): boolean {
    if (event.version <= this.version) return false;
    this.version = event.version;
    this.latest = event;
    this.texts = {};
    this.frames = {};
    return true;
  }

  /** The latest state as a `stock` message, serialized once per audience. */
  text(audience: Audience): string {
    let t = this.texts[audience];
    if (t === undefined) {
      t = JSON.stringify(stockMessage(this.latest!, "stock", audience));
      this.texts[audience] = t;
    }
    return t;
  }

  /** The latest state as one Server-Sent Event, encoded once per audience. */
  frame(audience: Audience): Uint8Array {
    let f = this.frames[audience];
    if (f === undefined) {
      f = sseFrame(this.latest!.version, this.text(audience));
      this.frames[audience] = f;
    }
    return f;
  }

  /** A state as a `snapshot` message; watchers opening together share the text. */
  snapshotText(state: StockChanged, audience: Audience): string {
    if (this.snapshotState !== state) {
      this.snapshotState = state;
      this.snapshotTexts = {};
    }
    let t = this.snapshotTexts[audience];
    if (t === undefined) {
      t = JSON.stringify(stockMessage(state, "snapshot", audience));
      this.snapshotTexts[audience] = t;
    }
    return t;
  }

  /** The newer of a snapshot just read and the latest event seen while it was read. */
  newest(snapshot: StockChanged): StockChanged {
    return this.latest && this.latest.version > snapshot.version ? this.latest : snapshot;
  }
}

/**
 * One event: no `event:` name, so a plain EventSource `onmessage` gets every message (the JSON's `type`
 * tells a snapshot from a change); `id:` is the version, for `Last-Event-ID`.
 */
export function sseFrame(version: number, data: string): Uint8Array {
  return encoder.encode(`id: ${version}\ndata: ${data}\n\n`);
}

export const encodeText = (text: string) => encoder.encode(text);
