/** CORS for configured browser origins only; none by default. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { API_PREFIX } from "../../src/app.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

const SHOP = "https://shop.example";
const STAFF = "https://staff.example";
const EVIL = "https://evil.example";

let t: TestApp;
let closed: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { CORS_ORIGINS: `${SHOP}, ${STAFF}`, RATE_LIMIT_PER_MINUTE: "1000" } });
  closed = await createTestApp();
});
afterAll(() => {
  t.close();
  closed.close();
});

const preflight = (app: TestApp, origin: string, method = "POST") =>
  app.call("OPTIONS", `${API_PREFIX}/spirits`, {
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": method,
      "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    },
  });

const corsHeaders = (res: Response) =>
  [...res.headers.keys()].filter((name) => name.toLowerCase().startsWith("access-control-"));

const list = (value: string | null) => (value ?? "").split(",").map((s) => s.trim().toLowerCase());

describe("an allowed origin", () => {
  test.each([SHOP, STAFF])(
    "gets its preflight answered for %s, with Authorization and Idempotency-Key",
    async (origin) => {
      const res = await preflight(t, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe(origin);
      expect(list(res.headers.get("Access-Control-Allow-Methods"))).toEqual(
        expect.arrayContaining(["get", "post", "put", "patch", "delete"]),
      );
      expect(list(res.headers.get("Access-Control-Allow-Headers"))).toEqual(
        expect.arrayContaining(["authorization", "content-type", "idempotency-key"]),
      );
      expect(Number(res.headers.get("Access-Control-Max-Age"))).toBeGreaterThan(0);
    },
  );

  test("can read the answer and the headers it needs", async () => {
    const res = await t.call("GET", `${API_PREFIX}/spirits`, { headers: { Origin: SHOP } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    expect(list(res.headers.get("Access-Control-Expose-Headers"))).toEqual(
      expect.arrayContaining([
        "x-request-id",
        "retry-after",
        "ratelimit",
        "ratelimit-policy",
        "location",
        "etag",
      ]),
    );
    expect(list(res.headers.get("Vary"))).toContain("origin");
  });

  test("can read error answers too", async () => {
    for (const [path, headers, status] of [
      [`${API_PREFIX}/nothing`, {}, 404],
      [`${API_PREFIX}/spirits`, { Authorization: "Bearer nope" }, 401],
    ] as const) {
      const res = await t.call("GET", path, { headers: { Origin: SHOP, ...headers } });
      expect(res.status).toBe(status);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    }
  });
});

describe("an origin not allowed", () => {
  test("gets no CORS header on its preflight, only what the path allows", async () => {
    const res = await preflight(t, EVIL);
    expect(corsHeaders(res)).toEqual([]);
    expect(res.status).toBe(204);
    expect(res.headers.get("Allow")).toContain("POST");
  });

  test("gets no CORS header on a request, and caches are told the answer varies by origin", async () => {
    const res = await t.call("GET", `${API_PREFIX}/spirits`, { headers: { Origin: EVIL } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual([]);
    expect(list(res.headers.get("Vary"))).toContain("origin");
  });

  test("a look-alike of an allowed origin is not allowed", async () => {
    for (const origin of [`${SHOP}.evil.example`, "http://shop.example", `${SHOP}:8443`, "null", ""]) {
      const res = await preflight(t, origin);
      expect(corsHeaders(res)).toEqual([]);
    }
  });
});

describe("by default", () => {
  test("no origin is allowed", async () => {
    expect(closed.deps.config.CORS_ORIGINS).toEqual([]);
    for (const origin of [SHOP, "http://localhost:3000"]) {
      expect(corsHeaders(await preflight(closed, origin))).toEqual([]);
      expect(corsHeaders(await closed.call("GET", "/healthz", { headers: { Origin: origin } }))).toEqual([]);
    }
  });
});
