/**
 * One spirit's stock as Server-Sent Events where the spirit's changes are broadcast elsewhere (Cloudflare
 * Workers: by its Durable Object). The stream watches the object and is otherwise the stream of Bun's hub
 * (event-stream.ts): `id:` is the version, `Last-Event-ID` skips a snapshot the client already has, a
 * slow reader gets the latest state when it has room, and comment lines keep it alive.
 */
import type { SpiritWatchers } from "../../deps.ts";
import type { StockChanged } from "../../stock/events.ts";
import { type Audience, errorText, StockMessageSchema } from "../../stock/messages.ts";
import { Channel, encodeText, sseFrame } from "./channel.ts";
import { SSE_RETRY_MS, StockEventSink } from "./event-stream.ts";
import type { StreamOwner } from "./stream-quota.ts";
import { UNAVAILABLE } from "./subscription-errors.ts";

export type RelayedStreamOptions = {
  heartbeatMs: number;
  backlogBytes: number;
};

/** Opens the watch first, so a refusal (a stream cap) is the caller's 429 before any byte is sent. */
export async function relayedEventStream(
  watchers: SpiritWatchers,
  spiritId: string,
  audience: Audience,
  lastEventId: number | undefined,
  owner: StreamOwner,
  options: RelayedStreamOptions,
): Promise<ReadableStream<Uint8Array>> {
  const channel = new Channel(spiritId);
  let beat: ReturnType<typeof setInterval> | undefined;
  let watch: { close(): void } | undefined;
  const sink = new StockEventSink(channel, audience, lastEventId, () => {
    if (beat !== undefined) clearInterval(beat);
    watch?.close();
  });
  const stream = sink.stream(options.backlogBytes, SSE_RETRY_MS);
  let opened = false;
  watch = await watchers.watch(spiritId, audience, owner, {
    message(text) {
      const parsed = StockMessageSchema.safeParse(JSON.parse(text));
      if (!parsed.success) return;
      const { type, ...state } = parsed.data;
      const event = { byBatch: [], ...state } satisfies StockChanged;
      if (!channel.accept(event)) return;
      if (opened) return sink.offer();
      opened = true;
      const newer = lastEventId === undefined || event.version > lastEventId;
      sink.open(newer ? sseFrame(event.version, text) : undefined, event.version);
    },
    ended() {
      sink.fail(encodeText(`data: ${errorText({ code: "unavailable", detail: UNAVAILABLE })}\n\n`));
    },
  });
  if (sink.closed) watch.close();
  else beat = setInterval(() => sink.beat(), options.heartbeatMs);
  return stream;
}
