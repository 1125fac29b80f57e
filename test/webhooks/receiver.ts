import { Webhook } from "standardwebhooks";

export type Received = { id: string; headers: Record<string, string>; body: string };

/**
 * A webhook receiver on a real Bun.serve, as a careful customer writes one: it verifies each request's
 * signature with the `standardwebhooks` package and keeps each `webhook-id` once.
 */
export function startReceiver() {
  const requests: Received[] = [];
  const unique = new Map<string, unknown>();
  let status = 200;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = await req.text();
      const headers = Object.fromEntries(req.headers);
      requests.push({ id: headers["webhook-id"] ?? "", headers, body });
      if (status === 200 && !unique.has(headers["webhook-id"] ?? ""))
        unique.set(headers["webhook-id"]!, JSON.parse(body));
      return new Response(null, { status });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/hooks`,
    requests,
    /** The de-duplicated events it accepted, by webhook-id. */
    unique,
    answer(code: number) {
      status = code;
    },
    /** Checks a request's signature with the secret, as the receiver's own code would. */
    verify(r: Received, secret: string) {
      return new Webhook(secret).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> };
    },
    stop: () => server.stop(true),
  };
}
