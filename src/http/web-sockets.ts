/**
 * WebSockets as the app sees them, so the app never touches a runtime API: the runtime upgrades the
 * request and calls the session's handlers (src/runtime/bun-sockets.ts on Bun). The socket's methods are
 * those of Bun's ServerWebSocket, which satisfies this interface as it is (no wrapper per connection).
 */

/** Send status: bytes written; -1 queued behind backpressure; 0 dropped (closed, or over the hard limit). */
export type SendStatus = number;

export interface ServerSocket<S = SocketSession> {
  readonly data: S;
  send(text: string): SendStatus;
  /** Bytes queued in the server, waiting for the client to read. */
  getBufferedAmount(): number;
  /** Topic pub/sub: the runtime sends a published text to every subscribed socket in native code. */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  ping(): unknown;
  close(code?: number, reason?: string): void;
  /** Closes without the closing handshake (for a peer that stopped answering). */
  terminate(): void;
}

/** What a route hands to the upgrade: the runtime calls these for the connection's life. */
export interface SocketSession {
  onOpen(ws: ServerSocket): void;
  onMessage(ws: ServerSocket, message: string | Uint8Array): void;
  onClose(ws: ServerSocket, code: number, reason: string): void;
  /** The peer answered a ping. */
  onPong?(ws: ServerSocket): void;
  /** The socket's backlog has been written out (it was backpressured). */
  onDrain?(ws: ServerSocket): void;
}

export interface WebSocketPort {
  /** Upgrades the request to a WebSocket run by the session; false when it is not a WebSocket handshake. */
  upgrade(request: Request, session: SocketSession): boolean;
  /** Sends the text to every socket subscribed to the topic (serialized and framed once). */
  publish(topic: string, text: string): void;
}
