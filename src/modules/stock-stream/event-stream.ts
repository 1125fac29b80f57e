/**
 * One spirit's stock as Server-Sent Events. Each event's `id:` is the stock version, so a browser's
 * EventSource that reconnects sends it back as `Last-Event-ID` and gets the current state only if it is
 * newer. The stream is pulled: while the client reads slower than changes come, nothing piles up beyond
 * the stream's high-water mark; the sink remembers that it is behind and sends the latest state (one
 * frame, whatever the number of changes missed) when the client has room again.
 */
import type { Audience } from "../../stock/messages.ts";
import { type Channel, type EventSink, encodeText } from "./channel.ts";

const KEEP_ALIVE = encodeText(": keep-alive\n\n");
/** The reconnection delay a browser's EventSource is told (`retry:`), in milliseconds. */
export const SSE_RETRY_MS = 2000;
/** Heartbeats in a row that found the client not reading: then the stream is given up. */
const MAX_STALLED_BEATS = 2;

export class StockEventSink implements EventSink {
  lastVersion: number;
  /** False until the opening snapshot went out: events before it are covered by the snapshot. */
  ready = false;
  closed = false;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private stalled = 0;

  constructor(
    readonly channel: Channel,
    readonly audience: Audience,
    /** The version the client says it has (`Last-Event-ID`). */
    readonly lastEventId: number | undefined,
    private readonly onEnd: (sink: StockEventSink) => void,
  ) {
    this.lastVersion = lastEventId ?? -1;
  }

  stream(highWaterBytes: number, retryMs: number): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
          controller.enqueue(encodeText(`retry: ${retryMs}\n\n`));
        },
        pull: () => this.offer(),
        cancel: () => this.end(),
      },
      { highWaterMark: highWaterBytes, size: (chunk) => chunk?.byteLength ?? 0 },
    );
  }

  /** Sends the channel's latest state if it is newer than what the client has and there is room. */
  offer() {
    const ch = this.channel;
    if (!this.ready || this.closed || ch.version <= this.lastVersion) return;
    if ((this.controller?.desiredSize ?? 0) <= 0) return; // behind: pull() calls again when there is room
    // Before the enqueue: it may call pull(), and so this method, again at once.
    this.lastVersion = ch.version;
    this.enqueue(ch.frame(this.audience));
  }

  /** The opening frame: the given snapshot, or a comment when the client already has that version. */
  open(frame: Uint8Array | undefined, version: number) {
    if (this.closed) return;
    if (frame) {
      this.lastVersion = version;
      this.enqueue(frame);
    } else {
      this.enqueue(encodeText(": up to date\n\n"));
    }
    this.ready = true;
    this.offer();
  }

  /** A comment line keeps proxies from closing an idle stream; a client that stopped reading is let go. */
  beat() {
    if (this.closed) return;
    if ((this.controller?.desiredSize ?? 0) > 0) {
      this.stalled = 0;
      this.enqueue(KEEP_ALIVE);
    } else if (++this.stalled >= MAX_STALLED_BEATS) {
      this.fail(encodeText(""));
    }
  }

  /** Ends the stream after a last frame (an error message, or nothing). */
  fail(last: Uint8Array) {
    if (this.closed) return;
    if (last.byteLength) this.enqueue(last);
    try {
      this.controller?.close();
    } catch {
      // Already closed by the client.
    }
    this.end();
  }

  private enqueue(chunk: Uint8Array) {
    try {
      this.controller?.enqueue(chunk);
    } catch {
      // The client went away between two frames.
      this.end();
    }
  }

  private end() {
    if (this.closed) return;
    this.closed = true;
    this.onEnd(this);
  }
}
