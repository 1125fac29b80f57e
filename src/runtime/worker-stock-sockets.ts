/**
 * Stock watchers on Workers: the Worker's route authenticates the caller, then hands the upgrade to the
 * spirit's SpiritStockObject (`stub.fetch`), which accepts the socket with the hibernation API and
 * broadcasts to it after each commit. The audience (staff or public) travels in a header the route sets
 * itself, replacing any the client sent, so only the Worker decides who sees per-batch figures.
 */
import type { SpiritWatchers } from "../deps.ts";
import type { SpiritStockObject } from "../stock/spirit-stock-object.ts";
import { AUDIENCE_HEADER, SPIRIT_HEADER } from "../stock/spirit-stock-sockets.ts";

export function durableSpiritWatchers(namespace: DurableObjectNamespace<SpiritStockObject>): SpiritWatchers {
  return {
    async forward(request, spiritId, audience) {
      const headers = new Headers(request.headers);
      headers.set(AUDIENCE_HEADER, audience);
      headers.set(SPIRIT_HEADER, spiritId);
      const stub = namespace.get(namespace.idFromName(spiritId));
      const res = await stub.fetch(new Request(request, { headers }));
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
