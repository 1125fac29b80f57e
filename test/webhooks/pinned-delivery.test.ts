/**
 * DNS rebinding: a webhook host is checked against private networks before every attempt, and the attempt
 * then connects to an address just checked, by name (Host header, TLS server name and certificate), never
 * resolving the name a second time. A resolver that answers a public address for the check and 127.0.0.1
 * for the connection would otherwise reach this machine.
 *
 * Real parts: Bun's fetch, a TLS server on this machine with a certificate for hooks.example.test (a test
 * fixture: test/support/tls), the sender. The one stand-in is the route from the public test address to that
 * server (`routed` below), since the public address itself is not reachable from a test.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { sendDueDeliveries } from "../../src/modules/webhooks/sender.ts";
import { pinnedRequest } from "../../src/modules/webhooks/url-guard.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

const TLS_DIR = join(import.meta.dir, "../support/tls");
const PUBLIC = "93.184.216.34";
let cert: string;
let server: ReturnType<typeof Bun.serve>;
const received: { host: string | null; id: string | null }[] = [];
let resolved: string[] = [];
let app: TestApp;
let shop: Shop;

beforeAll(async () => {
  cert = await Bun.file(join(TLS_DIR, "hooks.example.test.crt")).text();
  const key = await Bun.file(join(TLS_DIR, "hooks.example.test.key")).text();
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { cert, key },
    fetch(req) {
      received.push({ host: req.headers.get("host"), id: req.headers.get("webhook-id") });
      return new Response(null, { status: 204 });
    },
  });
  app = await createTestApp({
    deps: {
      // A rebinding resolver: public for the first question of each pair, this machine for the second.
      resolveHost: async (host) => {
        // A resolver that lies about local names: only the name itself can refuse them.
        if (host.startsWith("localhost")) return [PUBLIC];
        if (host !== "hooks.example.test") throw new Error("ENOTFOUND");
        resolved.push(host);
        return resolved.length % 2 === 1 ? [PUBLIC] : ["127.0.0.1"];
      },
    },
  });
  shop = await openShop(app);
});
afterAll(() => {
  server.stop(true);
  app.close();
});

test("a pinned request reaches the address by name: Host, TLS server name and certificate are the host's", async () => {
  const pinned = pinnedRequest(`https://hooks.example.test:${server.port}/hook?x=1`, "127.0.0.1");
  expect(pinned.url).toBe(`https://127.0.0.1:${server.port}/hook?x=1`);
  const res = await fetch(pinned.url, {
    method: "POST",
    headers: { Host: pinned.host, "webhook-id": "msg_1" },
    tls: { ca: cert, serverName: pinned.tls.serverName },
  } as RequestInit);
  expect(res.status).toBe(204);
  expect(received.at(-1)).toEqual({ host: `hooks.example.test:${server.port}`, id: "msg_1" });
  // The certificate must name the host the URL named, whatever address answers.
  const other = pinnedRequest(`https://other.example.test:${server.port}/hook`, "127.0.0.1");
  const refused = fetch(other.url, {
    method: "POST",
    headers: { Host: other.host },
    tls: { ca: cert, serverName: other.tls.serverName },
  } as RequestInit);
  await expect(refused).rejects.toThrow();
  expect(pinnedRequest("https://hooks.example.test/h", "2001:db8::7").url).toBe("https://[2001:db8::7]/h");
});

test("an attempt connects to the address its check saw, and asks DNS once", async () => {
  const created = await app.call("POST", "/api/v1/webhooks/endpoints", {
    headers: shop.staff.headers,
    body: { url: `https://hooks.example.test:${server.port}/angelshare`, eventTypes: ["spirit.created"] },
  });
  expect(created.status).toBe(201);
  await shop.spirit();
  await app.services.events.dispatch();
  resolved = [];
  received.length = 0;
  const asked: string[] = [];
  // The network between us and the public address: it leads to the TLS server above.
  const routed = ((url: string, init: RequestInit) => {
    asked.push(url);
    return fetch(url.replace(PUBLIC, "127.0.0.1"), init);
  }) as typeof fetch;
  const result = await sendDueDeliveries(app.deps, { fetch: routed, tls: { ca: cert } });
  expect(result).toMatchObject({ attempted: 1, delivered: 1 });
  expect(resolved).toHaveLength(1);
  expect(asked).toEqual([`https://${PUBLIC}:${server.port}/angelshare`]);
  expect(received).toHaveLength(1);
  expect(received[0]!.host).toBe(`hooks.example.test:${server.port}`);
});

test("a fully qualified local name (final dot) is refused as the bare name is", async () => {
  const res = await app.call("POST", "/api/v1/webhooks/endpoints", {
    headers: shop.staff.headers,
    body: { url: "https://localhost./hooks", eventTypes: ["*"] },
  });
  expect(res.status).toBe(422);
});
