/**
 * Stock watchers on Workers: the Worker's route authenticates the caller, then hands the upgrade to the
 * spirit's SpiritStockObject (`stub.fetch`), which accepts the socket with the hibernation API and
 * broadcasts to it after each commit. The audience (staff or public) travels in a header the route sets
 * itself, replacing any the client sent, so only the Worker decides who sees per-batch figures.
 */
import type { Audience } from "../stock/messages.ts";
import type { SpiritStockObject } from "../stock/spirit-stock-object.ts";
import { AUDIENCE_HEADER, SPIRIT_HEADER } from "../stock/spirit-stock-sockets.ts";

export type SpiritSocketForwarder = (
  request: Request,
  spiritId: string,
  audience: Audience,
) => Promise<Response>;

export function durableSpiritSockets(
  namespace: DurableObjectNamespace<SpiritStockObject>,
): SpiritSocketForwarder {
  return (request, spiritId, audience) => {
    const headers = new Headers(request.headers);
    headers.set(AUDIENCE_HEADER, audience);
    headers.set(SPIRIT_HEADER, spiritId);
    const stub = namespace.get(namespace.idFromName(spiritId));
    return stub.fetch(new Request(request, { headers }));
  };
}
