/**
 * WebSockets on Bun: the app's WebSocketPort (src/http/web-sockets.ts) over `server.upgrade` and
 * `server.publish`, and the `websocket` handlers for Bun.serve, which pass every event to the session the
 * route gave the upgrade. Bun's ServerWebSocket is handed to the app as it is (it has the methods the
 * app's ServerSocket names), so a connection costs no wrapper object.
 *
 * Not hono/bun's upgradeWebSocket: its handlers forward neither `pong` (the heartbeat's answer) nor
 * `drain` (a slow reader caught up), and it allocates a context per message.
 */
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import type { SocketSession, WebSocketPort } from "../http/web-sockets.ts";

export type BunSocketsOptions = {
  /** A watcher's backlog beyond this gets it the latest state only (the app's bound, see stock-hub.ts). */
  backlogBytes: number;
  /** The largest message a client may send; larger ones close the socket (1009). */
  maxMessageBytes?: number;
};

export type BunSockets = {
  port: WebSocketPort;
  websocket: WebSocketHandler<SocketSession>;
  /** Must be called with the server before the first request. */
  attach(server: Server<SocketSession>): void;
};

export function createBunSockets(options: BunSocketsOptions): BunSockets {
  let server: Server<SocketSession> | undefined;
  const bound = () => {
    if (!server) throw new Error("createBunSockets: attach(server) was not called");
    return server;
  };
  return {
    port: {
      upgrade: (request, session) => bound().upgrade(request, { data: session }),
      publish: (topic, text) => {
        bound().publish(topic, text);
      },
    },
    websocket: {
      open: (ws: ServerWebSocket<SocketSession>) => ws.data.onOpen(ws),
      message: (ws, message) =>
        ws.data.onMessage(ws, typeof message === "string" ? message : new Uint8Array(message)),
      close: (ws, code, reason) => ws.data.onClose(ws, code, reason),
      pong: (ws) => ws.data.onPong?.(ws),
      drain: (ws) => ws.data.onDrain?.(ws),
      maxPayloadLength: options.maxMessageBytes ?? 64 * 1024,
      // The app takes a slow reader out of the topics well before this; a socket that still reaches it
      // (a burst between two sweeps) is closed rather than silently missing messages.
      backpressureLimit: Math.max(1024 * 1024, options.backlogBytes * 16),
      closeOnBackpressureLimit: true,
      // The app pings and terminates silent sockets itself (configurable period); Bun's own idle timer
      // stays as a backstop at its maximum.
      sendPings: false,
      idleTimeout: 960,
      perMessageDeflate: false,
    },
    attach(s) {
      server = s;
    },
  };
}
