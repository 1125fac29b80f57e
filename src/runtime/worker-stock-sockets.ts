/**
 * Stock watchers on Workers. The per-spirit socket: the Worker's route authenticates the caller, then
 * hands the upgrade to the spirit's SpiritStockObject (`stub.fetch`), which accepts the socket with the
 * hibernation API and broadcasts to it after each commit. The streams the Worker serves itself (the
 * multi-spirit socket, Server-Sent Events) watch each spirit through a socket of their own to its object
 * (`watch`), which the object treats as one more watcher. The audience (staff or public) travels in a
 * header the route sets itself, replacing any the client sent, so only the Worker decides who sees
 * per-batch figures. So do the watcher's address and account, which the object counts against the stream
 * caps; its refusal becomes the app's 429 problem here.
 */
import type { SpiritWatchers } from "../deps.ts";
import { ProblemError } from "../http/problem.ts";
import type { ServerSocket, SocketSession } from "../http/web-sockets.ts";
import { tooManyStreams } from "../modules/stock-stream/stream-quota.ts";
import type { SpiritStockObject } from "../stock/spirit-stock-object.ts";
import {
  ACCOUNT_HEADER,
  AUDIENCE_HEADER,
  CLIENT_HEADER,
  SPIRIT_HEADER,
} from "../stock/spirit-stock-sockets.ts";

type Owner = { client?: string | undefined; account?: string | undefined };

const setOrRemove = (headers: Headers, name: string, value: string | undefined) =>
  value === undefined ? headers.delete(name) : headers.set(name, value);

/** 1005, 1006 and 1015 may be reported but never sent. */
const sendableCode = (code: number) => (code === 1005 || code === 1006 || code === 1015 ? 1000 : code);

export function durableSpiritWatchers(namespace: DurableObjectNamespace<SpiritStockObject>): SpiritWatchers {
  /** The object's answer to a handshake; its 429 (over a stream cap) becomes the app's problem. */
  async function handshake(request: Request, spiritId: string, audience: string, owner: Owner) {
    const headers = new Headers(request.headers);
    headers.set(AUDIENCE_HEADER, audience);
    headers.set(SPIRIT_HEADER, spiritId);
    setOrRemove(headers, CLIENT_HEADER, owner.client);
    setOrRemove(headers, ACCOUNT_HEADER, owner.account);
    const stub = namespace.get(namespace.idFromName(spiritId));
    const res = await stub.fetch(new Request(request, { headers }));
    if (res.status === 429) {
      const { scope, limit } = (await res.json()) as { scope: "client" | "account"; limit: number };
      throw tooManyStreams(scope, limit);
    }
    return res;
  }

  return {
    async forward(request, spiritId, audience, owner) {
      const res = await handshake(request, spiritId, audience, owner);
      // A fetched response's headers are immutable, and the app's middleware adds its own (X-Request-Id).
      return new Response(res.body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
        webSocket: res.webSocket,
      });
    },

    async watch(spiritId, audience, owner, handlers) {
      const request = new Request("https://spirit-stock.internal/watch", {
        headers: { Upgrade: "websocket" },
      });
      const res = await handshake(request, spiritId, audience, owner ?? {});
      const ws = res.webSocket;
      if (res.status !== 101 || !ws) {
        throw new ProblemError(503, "The stock of the spirit cannot be watched right now; try again.");
      }
      ws.accept();
      let open = true;
      const end = () => {
        if (!open) return;
        open = false;
        handlers.ended();
      };
      ws.addEventListener("message", (e) => {
        if (open && typeof e.data === "string") handlers.message(e.data);
      });
      ws.addEventListener("close", end);
      ws.addEventListener("error", end);
      return {
        close() {
          if (!open) return;
          open = false;
          try {
            ws.close(1000, "Unwatched.");
          } catch {
            // Already closed.
          }
        },
      };
    },

    serve(session) {
      const { 0: client, 1: server } = new WebSocketPair();
      server.accept();
      const socket = isolateSocket(server, session);
      server.addEventListener("message", (e) => {
        session.onMessage(socket, typeof e.data === "string" ? e.data : new Uint8Array(e.data));
      });
      server.addEventListener("close", (e) => {
        socket.close(sendableCode(e.code), e.reason);
        session.onClose(socket, e.code, e.reason);
      });
      server.addEventListener("error", () => session.onClose(socket, 1011, "error"));
      session.onOpen(socket);
      return new Response(null, { status: 101, webSocket: client });
    },
  };
}

/**
 * A socket the isolate holds, as the app's sessions see sockets. Workers have no topics (each message is
 * sent to the socket itself), send no pings of their own and report no backlog.
 */
function isolateSocket(ws: WebSocket, session: SocketSession): ServerSocket {
  const close = (code?: number, reason?: string) => {
    try {
      ws.close(code, reason);
    } catch {
      // Already closed.
    }
  };
  return {
    data: session,
    send(text) {
      try {
        ws.send(text);
        return text.length;
      } catch {
        return 0;
      }
    },
    getBufferedAmount: () => 0,
    subscribe() {
      throw new Error("Workers sockets have no topics.");
    },
    unsubscribe() {},
    ping: () => undefined,
    close,
    terminate: () => close(1011, "Terminated."),
  };
}
