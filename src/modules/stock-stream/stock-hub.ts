/**
 * The stock hub: takes every committed stock change from the event bus and fans it out to the watchers
 * of that spirit, on WebSockets and Server-Sent Events.
 *
 * - Fan-out: one topic per spirit and audience; the runtime (Bun's `server.publish`) sends the text,
 *   serialized once per event, to every subscribed socket in native code.
 * - Never older: a watcher first gets a snapshot, read from the database while the hub keeps listening;
 *   it is shown the newer of that snapshot and the latest event seen meanwhile, and joins the topic only
 *   once the topic has caught up with what it was shown. Until then it gets the latest state one by one.
 * - Slow readers never slow the others: a periodic sweep takes a socket whose backlog passed the bound
 *   out of its topics; it then gets only the latest state whenever its backlog has room again, and goes
 *   back into the topics once it has caught up. Past the runtime's hard limit the runtime closes it.
 * - Heartbeats: a ping per socket each period, and a socket that showed no sign of life since the last
 *   one is terminated; a comment line per event stream, and a stream whose client stopped reading ends.
 */
import { type Logger, systemTimers, type Timers } from "../../deps.ts";
import type { WebSocketPort } from "../../http/web-sockets.ts";
import type { StockChanged, StockEventBus } from "../../stock/events.ts";
import { type Audience, errorText, MAX_SUBSCRIPTIONS } from "../../stock/messages.ts";
import { Channel, encodeText, type Subscription, sseFrame, topicOf } from "./channel.ts";
import { SSE_RETRY_MS, StockEventSink } from "./event-stream.ts";
import { type StreamLease, StreamQuota } from "./stream-quota.ts";
import { tooManySubscriptions, UNAVAILABLE, unavailable, unknownSpirits } from "./subscription-errors.ts";
import { POLICY_VIOLATION, type SocketHub, WatchedSocket } from "./watched-socket.ts";

/** The spirit's current stock, or undefined when there is no such spirit. */
export type SnapshotSource = (spiritId: string) => Promise<StockChanged | undefined>;

export type StockHubOptions = {
  events: StockEventBus;
  /** Absent where the runtime has no WebSockets (then only event streams are served). */
  sockets: WebSocketPort | undefined;
  snapshot: SnapshotSource;
  logger: Logger;
  /** Milliseconds, for the flood limits (the app's clock). */
  now: () => number;
  heartbeatMs: number;
  /** A watcher's backlog beyond this many bytes gets it the latest state only. */
  backlogBytes: number;
  /** How often slow readers are looked for (defaults to 100 ms, or the heartbeat if shorter). */
  sweepMs?: number;
  /** What the sweeps and heartbeats run on (default: systemTimers). */
  timers?: Timers;
};

export type StockHubStats = {
  sockets: number;
  laggingSockets: number;
  /** The most bytes any socket has queued in the server right now. */
  largestBacklog: number;
  subscriptions: number;
  /** Sockets pinged by the last heartbeat that have shown no sign of life since. */
  awaitingPong: number;
  eventStreams: number;
  channels: number;
};

export type StockHub = ReturnType<typeof createStockHub>;

export function createStockHub(options: StockHubOptions) {
  const { sockets: port, snapshot, logger, backlogBytes } = options;
  /** Back into the topics only with plenty of room, so a reader on the edge does not flap. */
  const lowWater = Math.floor(backlogBytes / 4);
  const sweepMs = Math.min(options.sweepMs ?? 100, options.heartbeatMs);
  /** A heartbeat every so many sweeps. */
  const sweepsPerBeat = Math.max(1, Math.round(options.heartbeatMs / sweepMs));
  const timers = options.timers ?? systemTimers;
  const channels = new Map<string, Channel>();
  const sockets = new Set<WatchedSocket>();
  const sinks = new Set<StockEventSink>();
  let timer: unknown;
  let sweepsSinceBeat = 0;
  let busy = false;
  let closed = false;
  /** The streams each client and account hold, across every app built over this hub. */
  const quota = new StreamQuota(options.now);

  const stopListening = options.events.subscribeAll(onEvent);

  function onEvent(event: StockChanged) {
    const ch = channels.get(event.spiritId);
    if (!ch?.accept(event)) return;
    busy = true;
    if (port) {
      if (ch.live.public) port.publish(topicOf(ch.spiritId, "public"), ch.text("public"));
      if (ch.live.staff) port.publish(topicOf(ch.spiritId, "staff"), ch.text("staff"));
    }
    for (const sub of ch.off) if (sub.mode === "off") catchUp(sub);
    for (const sink of ch.sinks) sink.offer();
  }

  function channelOf(spiritId: string): Channel {
    let ch = channels.get(spiritId);
    if (!ch) {
      ch = new Channel(spiritId);
      channels.set(spiritId, ch);
    }
    return ch;
  }

  function release(ch: Channel) {
    if (ch.empty && channels.get(ch.spiritId) === ch) channels.delete(ch.spiritId);
  }

  /** One read at a time per spirit; whoever arrives meanwhile shares it. */
  function readSnapshot(ch: Channel) {
    if (!ch.snapshotting) {
      const reading = snapshot(ch.spiritId).finally(() => {
        if (ch.snapshotting === reading) ch.snapshotting = undefined;
      });
      ch.snapshotting = reading;
    }
    return ch.snapshotting;
  }

  function joinTopic(sub: Subscription) {
    const { socket, channel: ch } = sub;
    socket.ws!.subscribe(topicOf(ch.spiritId, socket.audience));
    ch.off.delete(sub);
    ch.live[socket.audience] += 1;
    sub.mode = "live";
  }

  function leaveTopic(sub: Subscription) {
    const { socket, channel: ch } = sub;
    if (!socket.closed) socket.ws?.unsubscribe(topicOf(ch.spiritId, socket.audience));
    ch.live[socket.audience] -= 1;
    ch.off.add(sub);
    sub.mode = "off";
  }

  /**
   * An off-topic subscription gets the latest state if it is newer than what it was shown (when its
   * backlog has room), and joins the topic once the topic cannot show it anything it has already seen.
   */
  function catchUp(sub: Subscription) {
    const { socket, channel: ch } = sub;
    const ws = socket.ws;
    if (!ws || socket.closed) return;
    let buffered = ws.getBufferedAmount();
    if (buffered > backlogBytes) return; // still behind: the next drain or sweep tries again
    if (ch.version > sub.lastVersion) {
      ws.send(ch.text(socket.audience));
      sub.lastVersion = ch.version;
      buffered = ws.getBufferedAmount();
    }
    if (sub.lastVersion <= ch.version && buffered <= lowWater) joinTopic(sub);
  }

  function removeSubscription(sub: Subscription) {
    const { socket, channel: ch } = sub;
    if (socket.subscriptions.get(ch.spiritId) === sub) socket.subscriptions.delete(ch.spiritId);
    if (sub.mode === "live") leaveTopic(sub);
    ch.off.delete(sub);
    ch.subscriptions.delete(sub);
    release(ch);
  }

  /** After the snapshot is read: show the newer state and put the subscription on its way to the topic. */
  function start(sub: Subscription, state: StockChanged) {
    const { socket, channel: ch } = sub;
    const shown = ch.newest(state);
    socket.send(ch.snapshotText(shown, socket.audience));
    sub.lastVersion = shown.version;
    sub.mode = "off";
    catchUp(sub);
  }

  const hub: SocketHub = {
    now: options.now,
    opened(socket) {
      sockets.add(socket);
      ensureTimer();
    },
    closed(socket) {
      sockets.delete(socket);
      for (const sub of [...socket.subscriptions.values()]) removeSubscription(sub);
      stopTimerIfIdle();
    },
    drained(socket) {
      for (const sub of socket.subscriptions.values()) if (sub.mode === "off") catchUp(sub);
    },
    unsubscribe(socket, spiritIds) {
      for (const id of spiritIds) {
        const sub = socket.subscriptions.get(id);
        if (sub) removeSubscription(sub);
      }
    },
    async subscribe(socket, spiritIds) {
      const fresh = [...new Set(spiritIds)].filter((id) => !socket.subscriptions.has(id));
      if (!fresh.length) return;
      if (socket.subscriptions.size + fresh.length > MAX_SUBSCRIPTIONS) {
        return socket.error(tooManySubscriptions(socket.subscriptions.size, fresh));
      }
      // Registered before the reads start, so no event published meanwhile is missed.
      const subs = fresh.map((id) => {
        const ch = channelOf(id);
        const sub: Subscription = { socket, channel: ch, lastVersion: -1, mode: "opening" };
        ch.subscriptions.add(sub);
        ch.off.add(sub);
        socket.subscriptions.set(id, sub);
        return sub;
      });
      let states: (StockChanged | undefined)[];
      try {
        states = await Promise.all(subs.map((s) => readSnapshot(s.channel)));
      } catch (err) {
        logger.log("error", { msg: "stock snapshot failed", err: String(err), spiritIds: fresh });
        for (const sub of subs) removeSubscription(sub);
        socket.error(unavailable(fresh));
        if (socket.spiritId !== undefined) socket.close(1011, "Stock unavailable.");
        return;
      }
      const unknown = fresh.filter((_, i) => !states[i]);
      if (unknown.length) {
        // All or nothing: a subscribe that names an unknown spirit subscribes none of them.
        for (const sub of subs) removeSubscription(sub);
        socket.error(unknownSpirits(unknown));
        if (socket.spiritId !== undefined) socket.close(POLICY_VIOLATION, "Unknown spirit.");
        return;
      }
      for (const [i, sub] of subs.entries()) {
        // Unsubscribed, or the socket closed, while the snapshots were read.
        if (socket.closed || socket.subscriptions.get(sub.channel.spiritId) !== sub) continue;
        start(sub, states[i]!);
      }
    },
  };

  /** Takes sockets whose backlog passed the bound out of their topics (only after events went out). */
  function sweep() {
    for (const socket of sockets) {
      if (socket.lagging || socket.closed || !socket.ws) continue;
      if (socket.ws.getBufferedAmount() <= backlogBytes) continue;
      socket.lagging = true;
      logger.log("debug", { msg: "stock watcher lagging", buffered: socket.ws.getBufferedAmount() });
      for (const sub of socket.subscriptions.values()) {
        if (sub.mode !== "live") continue;
        leaveTopic(sub);
        // Everything the topic sent it until now is queued for it (the runtime drops nothing below its
        // hard limit, and closes the socket at it), so this is what it will have been shown.
        sub.lastVersion = sub.channel.version;
      }
    }
  }

  function catchUpLaggards() {
    for (const socket of sockets) {
      if (!socket.lagging || !socket.ws) continue;
      let behind = false;
      for (const sub of socket.subscriptions.values()) {
        if (sub.mode === "off") catchUp(sub);
        if (sub.mode !== "live") behind = true;
      }
      if (!behind) socket.lagging = false;
    }
  }

  function heartbeat() {
    for (const socket of sockets) {
      if (!socket.ws || socket.closed) continue;
      if (!socket.alive) {
        logger.log("debug", { msg: "stock watcher did not answer the ping; terminated" });
        socket.ws.terminate();
        continue;
      }
      socket.alive = false;
      socket.ws.ping();
    }
    for (const sink of sinks) sink.beat();
  }

  function tick() {
    if (busy) {
      busy = false;
      sweep();
    }
    catchUpLaggards();
    if (++sweepsSinceBeat >= sweepsPerBeat) {
      sweepsSinceBeat = 0;
      heartbeat();
    }
  }

  /** The next sweep; the one after is planned once this one is done, unless the hub went idle meanwhile. */
  function armSweep() {
    timer = timers.setTimeout(() => {
      tick();
      if (timer !== undefined) armSweep();
    }, sweepMs);
  }

  function ensureTimer() {
    if (timer !== undefined || closed) return;
    sweepsSinceBeat = 0;
    armSweep();
  }

  function stopTimer() {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }

  function stopTimerIfIdle() {
    if (!sockets.size && !sinks.size) stopTimer();
  }

  return {
    quota,

    /** The session of a socket that watches one spirit; its snapshot is the first message. */
    spiritSession(spiritId: string, audience: Audience, lease?: StreamLease) {
      return new WatchedSocket(hub, audience, spiritId, lease);
    },

    /** The session of a socket that watches the spirits it subscribes to. */
    multiSession(audience: Audience, lease?: StreamLease) {
      return new WatchedSocket(hub, audience, undefined, lease);
    },

    /**
     * One spirit's stock as Server-Sent Events, from the snapshot (or from `lastEventId`, if current).
     * The lease, if any, is released when the stream ends.
     */
    eventStream(
      spiritId: string,
      audience: Audience,
      lastEventId?: number,
      lease?: StreamLease,
    ): ReadableStream<Uint8Array> {
      const ch = channelOf(spiritId);
      lease?.open();
      const sink = new StockEventSink(ch, audience, lastEventId, (s) => {
        lease?.release();
        sinks.delete(s);
        ch.sinks.delete(s);
        release(ch);
        stopTimerIfIdle();
      });
      ch.sinks.add(sink);
      sinks.add(sink);
      ensureTimer();
      const stream = sink.stream(backlogBytes, SSE_RETRY_MS);
      readSnapshot(ch).then(
        (state) => {
          if (!state) {
            const text = errorText({ code: "unknown-spirit", detail: "The spirit no longer exists." });
            return sink.fail(encodeText(`data: ${text}\n\n`));
          }
          const shown = ch.newest(state);
          const newer = lastEventId === undefined || shown.version > lastEventId;
          const frame = newer ? sseFrame(shown.version, ch.snapshotText(shown, audience)) : undefined;
          sink.open(frame, shown.version);
        },
        (err) => {
          logger.log("error", { msg: "stock snapshot failed", err: String(err), spiritId });
          sink.fail(encodeText(`data: ${errorText({ code: "unavailable", detail: UNAVAILABLE })}\n\n`));
        },
      );
      return stream;
    },

    stats(): StockHubStats {
      let subscriptions = 0;
      let lagging = 0;
      let awaitingPong = 0;
      let largestBacklog = 0;
      for (const s of sockets) {
        subscriptions += s.subscriptions.size;
        if (s.lagging) lagging += 1;
        if (!s.alive && !s.closed) awaitingPong += 1;
        if (s.ws && !s.closed) largestBacklog = Math.max(largestBacklog, s.ws.getBufferedAmount());
      }
      return {
        sockets: sockets.size,
        laggingSockets: lagging,
        largestBacklog,
        subscriptions,
        awaitingPong,
        eventStreams: sinks.size,
        channels: channels.size,
      };
    },

    /** Closes every stream (1001 going away) and stops listening. */
    close() {
      closed = true;
      stopListening();
      stopTimer();
      for (const socket of [...sockets]) socket.close(1001, "Server shutting down.");
      for (const sink of [...sinks]) sink.fail(encodeText(""));
    },
  };
}
