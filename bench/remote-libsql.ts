/**
 * For `bench/flash-sale.ts --db remote`: libSQL over HTTP with a network round trip, as an edge server
 * talking to Turso sees it. It serves a libSQL file through the Hrana-over-HTTP stand-in of the tests
 * (test/support/hrana-server.ts, the same engine as `file:` URLs), behind a proxy that holds every
 * request for RTT_MS before passing it on. A bench tool, not a database server.
 *
 * Environment: DB_PATH (the file), PORT (where the proxy listens), RTT_MS (the round trip to add).
 */
import { startHranaServer } from "../test/support/hrana-server.ts";

const env = process.env;
const rttMs = Number(env.RTT_MS ?? 0);
const hrana = startHranaServer({ path: env.DB_PATH!, streamIdleMs: 60_000 });

const proxy = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(env.PORT ?? 0),
  async fetch(request) {
    if (rttMs > 0) await Bun.sleep(rttMs);
    const url = new URL(request.url);
    const body =
      request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    const answer = await fetch(`${hrana.url}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body,
    });
    return new Response(await answer.arrayBuffer(), {
      status: answer.status,
      headers: { "content-type": answer.headers.get("content-type") ?? "application/json" },
    });
  },
});

console.log(`libSQL over HTTP on ${proxy.port}, ${rttMs} ms round trip`);
process.on("SIGTERM", () => {
  proxy.stop(true);
  hrana.close();
  process.exit(0);
});
