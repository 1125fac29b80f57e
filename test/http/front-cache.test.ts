/**
 * The Bun server's front cache (src/http/front-cache.ts): a stored answer carries the same headers as the
 * app's own (ETag, Cache-Control, Vary, X-Request-Id, traceparent, RateLimit-*), revalidates to a 304, is
 * dropped by every write of its spirit (test/http/caching.test.ts runs its write suite through it too), is
 * never kept from a read that raced a write, still spends the caller's rate limit, and is bypassed by
 * signed-in callers. `app` counts the requests that reached the app behind it.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createFrontCache, withFrontCache } from "../../src/http/front-cache.ts";
import { createPromMetrics } from "../../src/runtime/prom-metrics.ts";
import { openShop } from "../orders/shop.ts";
import { createTestApp, type TestApp, type TestAppOptions } from "../support/test-app.ts";

const TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

let current: TestApp | undefined;
afterEach(() => {
  current?.close();
  current = undefined;
});

/** An app, the front cache ahead of it, and a count of what reached the app. */
async function frontOf(options: TestAppOptions = {}, gate?: () => Promise<void>) {
  const t = await createTestApp(options);
  current = t;
  const app = { requests: 0 };
  const cache = createFrontCache({ ttlMs: t.deps.config.READ_CACHE_MS });
  const fetch = withFrontCache(
    async (request, env) => {
      app.requests++;
      const res = await t.app.fetch(request, env);
      await gate?.();
      return res;
    },
    { ...t.deps, onSpiritChange: t.services.catalog.onSpiritChange },
    cache,
  );
  const get = async (path: string, headers: Record<string, string> = {}) =>
    fetch(new Request(new URL(path, "http://localhost"), { headers }), undefined);
  const shop = await openShop(t);
  const id = await shop.spirit({ name: "Front" });
  return { t, app, cache, get, shop, id, path: `/api/v1/spirits/${id}` };
}

const SHARED = ["ETag", "Cache-Control", "Vary", "Content-Type", "RateLimit-Policy"];

describe("front cache", () => {
  test("a stored answer has the app's headers and bytes; its own request id and trace", async () => {
    const f = await frontOf({ env: { RATE_LIMIT_PER_MINUTE: "100" } });
    const sent = { "X-Request-Id": "req-front-1", traceparent: TRACE };
    const normal = await f.t.app.request(f.path, { headers: sent });
    await f.get(f.path); // fills
    const before = f.app.requests;
    const stored = await f.get(f.path, sent);
    expect(f.app.requests).toBe(before);
    expect(stored.status).toBe(200);
    for (const h of SHARED) expect(stored.headers.get(h)).toBe(normal.headers.get(h));
    expect(stored.headers.get("X-Request-Id")).toBe("req-front-1");
    expect(normal.headers.get("X-Request-Id")).toBe("req-front-1");
    // The caller's trace continues in a span of this request's own, as the app does.
    for (const res of [stored, normal]) {
      const [, traceId, spanId] = res.headers.get("traceparent")!.split("-");
      expect(traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
      expect(spanId).not.toBe("00f067aa0ba902b7");
    }
    expect(stored.headers.get("RateLimit")).toMatch(/^"api";r=\d+;t=\d+$/);
    expect(await stored.text()).toBe(await normal.text());

    // A request id that is not sane is replaced, as the app replaces it; each answer gets its own.
    const bad = { "X-Request-Id": "not sane!" };
    const a = (await f.get(f.path, bad)).headers.get("X-Request-Id");
    const b = (await f.get(f.path, bad)).headers.get("X-Request-Id");
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
    expect((await f.t.app.request(f.path, { headers: bad })).headers.get("X-Request-Id")).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect(f.app.requests).toBe(before);
  });

  test("If-None-Match: a 304 with the app's headers and no body; a revalidating miss fills the cache", async () => {
    const f = await frontOf();
    const etag = (await f.t.app.request(f.path)).headers.get("ETag")!;
    // The first request is a miss that revalidates: the app is asked, the answer kept, the caller gets 304.
    const first = await f.get(f.path, { "If-None-Match": etag });
    expect(first.status).toBe(304);
    expect(f.app.requests).toBe(1);
    const normal = await f.t.app.request(f.path, { headers: { "If-None-Match": etag } });
    expect(normal.status).toBe(304);
    const stored = await f.get(f.path, { "If-None-Match": `W/${etag}` });
    expect(stored.status).toBe(304);
    expect(f.app.requests).toBe(1);
    expect(await stored.text()).toBe("");
    for (const res of [first, stored]) {
      for (const h of [...SHARED, "Content-Length"]) expect(res.headers.get(h)).toBe(normal.headers.get(h));
    }
    expect((await f.get(f.path, { "If-None-Match": '"stale"' })).status).toBe(200);
    expect(f.app.requests).toBe(1);
  });

  test("a write drops the spirit's stored answers before it answers; other spirits keep theirs", async () => {
    const f = await frontOf();
    const other = await f.shop.spirit({ name: "Other" });
    await f.get(f.path);
    await f.get(`/api/v1/spirits/${other}`);
    await f.get(f.path, { "Accept-Encoding": "gzip" });
    expect(f.cache.entries.size).toBe(3);
    const patched = await f.t.call("PATCH", f.path, {
      headers: { ...f.shop.staff.headers, "Content-Type": "application/merge-patch+json" },
      body: { name: "Renamed" },
    });
    expect(patched.status).toBe(200);
    expect(f.cache.entries.size).toBe(1);
    const before = f.app.requests;
    expect(((await (await f.get(f.path)).json()) as { name: string }).name).toBe("Renamed");
    expect(f.app.requests).toBe(before + 1);
    await f.get(`/api/v1/spirits/${other}`);
    expect(f.app.requests).toBe(before + 1);
  });

  test("a read that raced a write is answered but not kept", async () => {
    let release: () => void = () => {};
    let held: Promise<void> | undefined;
    const f = await frontOf({}, () => held ?? Promise.resolve());
    held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const reading = f.get(f.path);
    await Bun.sleep(5);
    // The write commits while the read's answer is on its way to the cache.
    f.t.services.catalog.forgetSpirit(f.id);
    release();
    expect((await reading).status).toBe(200);
    held = undefined;
    expect(f.cache.entries.size).toBe(0);
    const before = f.app.requests;
    await f.get(f.path);
    expect(f.app.requests).toBe(before + 1);
  });

  test("stored answers still spend the caller's rate limit; over it, the app's 429", async () => {
    // Clients told apart by a header here; the fixtures' requests each count as a client of their own.
    let fixture = 0;
    const f = await frontOf({
      env: { RATE_LIMIT_PER_MINUTE: "3" },
      deps: { clientAddress: (request) => request.headers.get("x-client") ?? `fixture-${++fixture}` },
    });
    const a = { "x-client": "a" };
    const remaining: (string | null)[] = [];
    // The first is the app's (a miss), the next two the front cache's: one budget, counted down across both.
    for (let i = 0; i < 3; i++) remaining.push((await f.get(f.path, a)).headers.get("RateLimit"));
    expect(f.app.requests).toBe(1);
    expect(remaining.map((r) => r?.split(";")[1])).toEqual(["r=2", "r=1", "r=0"]);
    const refused = await f.get(f.path, a);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Content-Type")).toContain("application/problem+json");
    expect(refused.headers.get("Retry-After")).toBeTruthy();
    expect(f.app.requests).toBe(2);
    // Another client's budget is its own.
    const b = await f.get(f.path, { "x-client": "b" });
    expect(b.status).toBe(200);
    expect(b.headers.get("RateLimit")?.split(";")[1]).toBe("r=2");
    expect(f.app.requests).toBe(2);
  });

  test("signed-in callers, cookies and other routes go the normal way", async () => {
    const f = await frontOf();
    await f.get(f.path);
    const before = f.app.requests;
    const signedIn = await f.get(f.path, f.shop.staff.headers);
    expect(signedIn.headers.get("Cache-Control")).toBe("private, no-cache");
    await f.get(f.path, { Cookie: "session=1" });
    await f.get(`${f.path}/batches`);
    await f.get("/api/v1/spirits?limit=5");
    await f.get("/api/v1/spirits/spr_missing");
    await f.get("/api/v1/spirits/spr_missing");
    expect(f.app.requests).toBe(before + 6);
    // Nothing private was kept: the next anonymous read is the stored public answer.
    const anonymous = await f.get(f.path);
    expect(anonymous.headers.get("Cache-Control")).toStartWith("public");
    expect(f.app.requests).toBe(before + 6);
  });

  test("stored answers are counted and logged under the route, as the app's are", async () => {
    const metrics = createPromMetrics();
    const f = await frontOf({ deps: { metrics } });
    const etag = (await f.get(f.path)).headers.get("ETag")!;
    await f.get(f.path, { "X-Request-Id": "req-logged" });
    await f.get(f.path, { "If-None-Match": etag });
    // Hits reach the counter in bulk, a quarter of a second later at most.
    await Bun.sleep(300);
    const body = (await metrics.render?.())?.body ?? "";
    const series = (status: string) =>
      body
        .split("\n")
        .find((l) =>
          l.startsWith(
            `angelshare_http_requests_total{method="GET",route="/api/v1/spirits/:id",status_class="${status}"}`,
          ),
        );
    expect(series("2xx")).toEndWith(" 2");
    expect(series("3xx")).toEndWith(" 1");
    const line = f.t.deps.logger as unknown as { lines: Record<string, unknown>[] };
    expect(line.lines.find((l) => l.requestId === "req-logged")).toMatchObject({
      msg: "request",
      route: "/api/v1/spirits/:id",
      status: 200,
      path: f.path,
    });
  });

  test("off with READ_CACHE_MS=0: the app's own fetch", async () => {
    const t = await createTestApp({ env: { READ_CACHE_MS: "0" } });
    current = t;
    expect(
      withFrontCache(t.app.fetch, { ...t.deps, onSpiritChange: t.services.catalog.onSpiritChange }),
    ).toBe(t.app.fetch);
  });
  test("variants' stock in the answer is never stale: variant writes and stock changes drop it, stock alone keeps a plain spirit", async () => {
    const f = await frontOf();
    type View = { variants?: { id: string; available: number }[] };
    const view = async () => (await (await f.get(f.path)).json()) as View;
    // No variants: the answer shows no stock, so receiving stock keeps it.
    await f.get(f.path);
    const plain = f.app.requests;
    await f.shop.receive(f.id, 3);
    await f.get(f.path);
    expect(f.app.requests).toBe(plain);

    const added = await f.t.call("POST", `/api/v1/spirits/${f.id}/variants`, {
      headers: f.shop.staff.headers,
      body: {
        name: "5 cl sample",
        sizeMl: 50,
        packaging: "sample",
        price: { amountMinor: 900, currency: "GBP" },
      },
    });
    expect(added.status).toBe(201);
    const sample = ((await added.json()) as { id: string }).id;
    expect((await view()).variants?.map((v) => [v.id, v.available])).toEqual([[sample, 0]]);
    await f.shop.receive(f.id, 4, undefined, { variantId: sample });
    expect((await view()).variants?.[0]?.available).toBe(4);
    const renamed = await f.t.call("PATCH", `/api/v1/spirits/${f.id}/variants/${sample}`, {
      headers: f.shop.staff.headers,
      body: { status: "retired" },
    });
    expect(renamed.status).toBe(200);
    expect((await view()).variants).toBeUndefined();
  });
});
