/**
 * The WebSockets a SpiritStockObject holds, through the hibernation API: `ctx.acceptWebSocket` (never
 * `accept()`), so the object can be evicted while its watchers stay connected, and `ctx.getWebSockets()`
 * to find them again after it wakes. Each socket is tagged with its audience: staff see the per-batch
 * figures, the public does not.
 */
import type { Logger } from "../deps.ts";
import type { StockChanged } from "./events.ts";

export type Audience = "public" | "staff";

export type SpiritSockets = {
  accept(request: Request, snapshot: () => Promise<StockChanged>): Promise<Response>;
  broadcast(event: StockChanged): void;
  onMessage(
    ws: WebSocket,
    message: string | ArrayBuffer,
    snapshot: () => Promise<StockChanged>,
  ): Promise<void>;
  onClose(ws: WebSocket, code: number, reason: string): void;
};

/** The header the Worker's route sets on the forwarded upgrade, after it has authenticated the caller. */
export const AUDIENCE_HEADER = "X-Stock-Audience";

function messageFor(event: StockChanged, audience: Audience): string {
  const { byBatch, ...open } = event;
  return JSON.stringify(audience === "staff" ? { type: "stock", ...event } : { type: "stock", ...open });
}

export function spiritSockets(ctx: DurableObjectState, logger: Logger): SpiritSockets {
  // Lost when the object is evicted: then the next message goes out whatever its version (watchers drop
  // anything older than what they have).
  let lastVersion = -1;

  const send = (ws: WebSocket, text: string) => {
    try {
      ws.send(text);
    } catch (err) {
      // One broken socket never stops the broadcast to the others.
      logger.log("debug", { msg: "stock socket send failed", err: String(err) });
    }
  };

  return {
    async accept(request, snapshot) {
      if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
        return new Response("Expected a WebSocket upgrade.", {
          status: 426,
          headers: { Upgrade: "websocket" },
        });
      }
      const audience: Audience = request.headers.get(AUDIENCE_HEADER) === "staff" ? "staff" : "public";
      const pair = new WebSocketPair();
      const client = pair[0];
      const server = pair[1];
      ctx.acceptWebSocket(server, [audience]);
      send(server, messageFor(await snapshot(), audience));
      return new Response(null, { status: 101, webSocket: client });
    },
    broadcast(event) {
      if (event.version < lastVersion) return;
      lastVersion = event.version;
      for (const audience of ["public", "staff"] as const) {
        const sockets = ctx.getWebSockets(audience);
        if (!sockets.length) continue;
        const text = messageFor(event, audience);
        for (const ws of sockets) send(ws, text);
      }
    },
    async onMessage(ws, message, snapshot) {
      if (typeof message !== "string") return;
      let parsed: { type?: unknown };
      try {
        parsed = JSON.parse(message);
      } catch {
        return send(ws, JSON.stringify({ type: "error", detail: "Messages are JSON." }));
      }
      if (parsed.type === "ping") return send(ws, JSON.stringify({ type: "pong" }));
      if (parsed.type === "snapshot") {
        const audience = ctx.getTags(ws).includes("staff") ? "staff" : "public";
        return send(ws, messageFor(await snapshot(), audience));
      }
      send(ws, JSON.stringify({ type: "error", detail: "Unknown message type." }));
    },
    onClose(ws, code, reason) {
      try {
        // 1005/1006/1015 are reserved: they may be reported but never sent.
        ws.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code, reason);
      } catch {
        // Already closed.
      }
    },
  };
}
