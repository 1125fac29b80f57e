/**
 * The SSRF guard: without WEBHOOKS_ALLOW_PRIVATE_URLS, endpoint URLs on this machine or a private network
 * are refused (as literals, as local names, or by what their host resolves to), and a URL whose host
 * later resolves to a private address is not sent to.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sendDueDeliveries } from "../../src/modules/webhooks/sender.ts";
import { isPrivateAddress } from "../../src/modules/webhooks/url-guard.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

const dns = new Map<string, string[]>([
  ["hooks.example.com", ["93.184.216.34"]],
  ["sneaky.example.com", ["93.184.216.34", "10.0.0.7"]],
  ["metadata.example.com", ["169.254.169.254"]],
]);
/** Hosts whose lookups never answer (a resolver that hangs). */
const hanging = new Set<string>();
let app: TestApp;
let shop: Shop;
beforeAll(async () => {
  app = await createTestApp({
    deps: {
      resolveHost: async (host) => {
        if (hanging.has(host)) return new Promise<string[]>(() => {});
        const found = dns.get(host);
        if (!found) throw new Error("ENOTFOUND");
        return found;
      },
    },
  });
  shop = await openShop(app);
});
afterAll(() => app.close());

const create = (url: string) =>
  app.call("POST", "/api/v1/webhooks/endpoints", {
    headers: shop.staff.headers,
    body: { url, eventTypes: ["*"] },
  });

test("loopback, link-local, private and local names are refused with 422 on `url`", async () => {
  for (const url of [
    "https://127.0.0.1/hooks",
    "https://2130706433/",
    "https://[::1]/",
    "https://[::ffff:10.0.0.1]/",
    "https://169.254.169.254/latest/meta-data",
    "https://10.1.2.3/",
    "https://172.20.0.1/",
    "https://192.168.0.10/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://localhost/",
    "https://printer.local/",
    "https://sneaky.example.com/",
    "https://metadata.example.com/",
    "http://hooks.example.com/",
    "https://nowhere.example.com/",
    "https://user:pw@hooks.example.com/",
  ]) {
    const res = await create(url);
    expect({ url, status: res.status }).toEqual({ url, status: 422 });
    expect((await res.json()).errors[0].path).toBe("url");
  }
  expect((await create("https://hooks.example.com/angelshare")).status).toBe(201);
});

test("a host that turns private after it was saved is not sent to", async () => {
  const res = await create("https://hooks.example.com/turns");
  const { id } = (await res.json()) as { id: string };
  dns.set("hooks.example.com", ["127.0.0.1"]);
  const sent = await app.call("POST", `/api/v1/webhooks/endpoints/${id}/test`, {
    headers: shop.staff.headers,
  });
  expect(await sent.json()).toMatchObject({ ok: false, statusCode: null });
  const log = await (
    await app.call("GET", `/api/v1/webhooks/endpoints/${id}/deliveries`, { headers: shop.staff.headers })
  ).json();
  expect(log.items[0].error).toContain("not sent");
  dns.set("hooks.example.com", ["93.184.216.34"]);
});

test("a lookup that never answers fails the attempt within its bound, and holds nothing", async () => {
  dns.set("slow.example.com", ["93.184.216.34"]);
  const res = await create("https://slow.example.com/hooks");
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  await shop.spirit();
  await app.services.events.dispatch();
  hanging.add("slow.example.com");
  const sent = await sendDueDeliveries(app.deps, { timeoutMs: 200 });
  expect(sent.attempted).toBeGreaterThan(0);
  expect(sent.delivered).toBe(0);
  const log = await (
    await app.call("GET", `/api/v1/webhooks/endpoints/${id}/deliveries`, { headers: shop.staff.headers })
  ).json();
  expect(log.items[0].error).toContain("does not resolve");
  await app.call("DELETE", `/api/v1/webhooks/endpoints/${id}`, { headers: shop.staff.headers });
});

test("the address table", () => {
  const blocked = [
    "0.0.0.0",
    "127.0.0.53",
    "10.0.0.1",
    "100.64.1.1",
    "169.254.0.1",
    "172.16.0.1",
    "172.31.9.9",
  ];
  const more = [
    "192.168.1.1",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fc00::1",
    "fe80::1",
    "::ffff:7f00:1",
  ];
  for (const ip of [...blocked, ...more])
    expect({ ip, blocked: isPrivateAddress(ip) }).toEqual({ ip, blocked: true });
  for (const ip of ["8.8.8.8", "172.32.0.1", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8"]) {
    expect({ ip, blocked: isPrivateAddress(ip) }).toEqual({ ip, blocked: false });
  }
});
