/** GET /metrics: RED by route template, the stock engine's counters, and who may read it. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createPromMetrics } from "../../src/runtime/prom-metrics.ts";
import { openShop } from "../orders/shop.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { sampleValue } from "./prom-text.ts";

const TOKEN = "metrics-token-0123456789";
const auth = { Authorization: `Bearer ${TOKEN}` };

describe("after a known sequence of requests", () => {
  let t: TestApp;
  let text: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: TOKEN }, deps: { metrics: createPromMetrics() } });
    const shop = await openShop(t);
    const spirit = await shop.spirit();
    await shop.receive(spirit, 1);
    const buyer = await shop.customer();
    const other = await shop.customer();
    for (let i = 0; i < 3; i++) expect((await t.call("GET", `/api/v1/spirits/${spirit}`)).status).toBe(200);
    expect((await t.call("GET", "/api/v1/spirits/spr_nosuchspirit")).status).toBe(404);
    expect((await t.call("GET", "/api/v1/no/such/path")).status).toBe(404);
    expect((await shop.order(buyer, [{ spiritId: spirit, quantity: 1 }])).status).toBe(201);
    const soldOut = await shop.order(other, [{ spiritId: spirit, quantity: 1 }]);
    expect(soldOut.status).toBe(409);
    expect((await soldOut.json()).type).toEndWith("/sold-out");
    const res = await t.call("GET", "/metrics", { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toStartWith("text/plain; version=0.0.4");
    text = await res.text();
  });
  afterAll(() => t.close());

  const spiritRoute = { method: "GET", route: "/api/v1/spirits/:id" };

  test("requests are counted by route template and status class, never by raw path", () => {
    const total = "angelshare_http_requests_total";
    expect(sampleValue(text, total, { ...spiritRoute, status_class: "2xx" })).toBe(3);
    expect(sampleValue(text, total, { ...spiritRoute, status_class: "4xx" })).toBe(1);
    expect(sampleValue(text, total, { method: "GET", route: "unmatched", status_class: "4xx" })).toBe(1);
    expect(sampleValue(text, total, { method: "POST", route: "/api/v1/orders", status_class: "2xx" })).toBe(
      1,
    );
    expect(sampleValue(text, total, { method: "POST", route: "/api/v1/orders", status_class: "4xx" })).toBe(
      1,
    );
    expect(text).not.toContain("spr_nosuchspirit");
    expect(text).not.toContain("/no/such/path");
  });

  test("durations are a histogram per route; errors count only 5xx", () => {
    const h = "angelshare_http_request_duration_seconds";
    expect(sampleValue(text, `${h}_count`, { ...spiritRoute, status_class: "2xx" })).toBe(3);
    expect(sampleValue(text, `${h}_bucket`, { ...spiritRoute, status_class: "2xx", le: "+Inf" })).toBe(3);
    expect(
      sampleValue(text, "angelshare_http_request_errors_total", { ...spiritRoute, status_class: "4xx" }),
    ).toBe(undefined);
  });

  test("the stock engine: one hold placed, one sold-out refusal, groups committed and timed", () => {
    expect(sampleValue(text, "angelshare_stock_holds_placed_total")).toBe(1);
    expect(sampleValue(text, "angelshare_stock_refusals_total", { code: "sold-out" })).toBe(1);
    expect(sampleValue(text, "angelshare_stock_holds_expired_total")).toBe(0);
    expect(sampleValue(text, "angelshare_stock_queue_depth")).toBe(0);
    // The receive and the hold wrote (the refusal wrote nothing, so it committed no group).
    expect(sampleValue(text, "angelshare_stock_group_size_count")).toBe(2);
    expect(sampleValue(text, "angelshare_stock_commit_duration_seconds_count")).toBe(2);
  });

  test("watchers, outbox lag and database latency are there", () => {
    expect(sampleValue(text, "angelshare_stock_watchers", { transport: "websocket" })).toBe(0);
    expect(sampleValue(text, "angelshare_stock_watchers", { transport: "sse" })).toBe(0);
    // Nothing dispatched the outbox in this test: the order's events wait.
    expect(sampleValue(text, "angelshare_outbox_pending_events")).toBeGreaterThan(0);
    expect(sampleValue(text, "angelshare_outbox_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(
      sampleValue(text, "angelshare_db_query_duration_seconds_count", { kind: "execute" }),
    ).toBeGreaterThan(0);
  });
});

describe("who may read /metrics", () => {
  test("with METRICS_TOKEN: 401 problem without it or with a wrong one, 200 with it", async () => {
    const t = await createTestApp({ env: { METRICS_TOKEN: TOKEN }, deps: { metrics: createPromMetrics() } });
    try {
      const refused: Record<string, string>[] = [
        {},
        { Authorization: "Bearer wrong-token-0123456789" },
        { Authorization: TOKEN },
      ];
      for (const headers of refused) {
        const res = await t.call("GET", "/metrics", { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get("Content-Type")).toBe("application/problem+json");
        expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
        expect(await res.text()).not.toContain("angelshare_");
      }
      expect((await t.call("GET", "/metrics", { headers: auth })).status).toBe(200);
    } finally {
      t.close();
    }
  });

  test("by default (no token, no port) /metrics is 404, as if it did not exist", async () => {
    const t = await createTestApp({ deps: { metrics: createPromMetrics() } });
    try {
      const res = await t.call("GET", "/metrics", { headers: auth });
      expect(res.status).toBe(404);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    } finally {
      t.close();
    }
  });

  test("with METRICS_PORT the API's port answers 404 even with the token (the other port serves it)", async () => {
    const t = await createTestApp({
      env: { METRICS_TOKEN: TOKEN, METRICS_PORT: "9464" },
      deps: { metrics: createPromMetrics() },
    });
    try {
      expect((await t.call("GET", "/metrics", { headers: auth })).status).toBe(404);
    } finally {
      t.close();
    }
  });

  test("a runtime without a scrape endpoint (Workers) answers 404", async () => {
    const t = await createTestApp({ env: { METRICS_TOKEN: TOKEN } });
    try {
      expect((await t.call("GET", "/metrics", { headers: auth })).status).toBe(404);
    } finally {
      t.close();
    }
  });
});
