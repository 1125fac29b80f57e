/**
 * Stock watchers on Workers: the Worker's route authenticates the caller, then hands the upgrade to the
 * spirit's SpiritStockObject (`stub.fetch`), which accepts the socket with the hibernation API and
 * broadcasts to it after each commit. The audience (staff or public) travels in a header the route sets
 * itself, replacing any the client sent, so only the Worker decides who sees per-batch figures. So do the
 * watcher's address and account, which the object counts against the stream caps; its refusal becomes
 * the app's 429 problem here.
 */
import type { SpiritWatchers } from "../deps.ts";
import { tooManyStreams } from "../modules/stock-stream/stream-quota.ts";
import type { SpiritStockObject } from "../stock/spirit-stock-object.ts";
import {
  ACCOUNT_HEADER,
  AUDIENCE_HEADER,
  CLIENT_HEADER,
  SPIRIT_HEADER,
} from "../stock/spirit-stock-sockets.ts";

const setOrRemove = (headers: Headers, name: string, value: string | undefined) =>
  value === undefined ? headers.delete(name) : headers.set(name, value);

export function durableSpiritWatchers(namespace: DurableObjectNamespace<SpiritStockObject>): SpiritWatchers {
  return {
    async forward(request, spiritId, audience, owner) {
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
      // A fetched response's headers are immutable, and the app's middleware adds its own (X-Request-Id).
      return new Response(res.body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
        webSocket: res.webSocket,
      });
    },
  };
}
