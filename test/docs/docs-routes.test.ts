/** The docs page and its assets over HTTP: headers, caching, compression, and a deployment without a viewer. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import pkg from "swagger-ui-dist/package.json" with { type: "json" };
import { createApp } from "../../src/app.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let html: string;
beforeAll(async () => {
  t = await createTestApp();
  html = await (await t.call("GET", "/docs")).text();
});
afterAll(() => t.close());

const assetUrls = () => [...html.matchAll(/(?:href|src)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1]!);

describe("GET /docs", () => {
  test("is HTML with a self-only Content-Security-Policy and no inline script or style", async () => {
    const res = await t.call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/https?:/);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]|<style|style="/);
    expect(html).not.toMatch(/(?:href|src)="https?:/);
  });

  test("loads the OpenAPI document and links the AsyncAPI one", () => {
    expect(html).toContain('data-openapi-url="/api/v1/openapi.json"');
    expect(html).toContain('href="/api/v1/openapi.json"');
    expect(html).toContain('href="/api/v1/asyncapi.json"');
  });

  test("the installed Swagger UI's version is in its asset URLs", () => {
    const vendor = assetUrls().filter((u) => u.includes("/swagger-ui/"));
    expect(vendor).toEqual([
      `/docs/assets/swagger-ui/${pkg.version}/swagger-ui.css`,
      `/docs/assets/swagger-ui/${pkg.version}/swagger-ui-bundle.js`,
    ]);
  });
});

describe("the page's assets", () => {
  test("each is served with its content type and cached as immutable", async () => {
    const types: Record<string, string> = {
      js: "text/javascript; charset=utf-8",
      css: "text/css; charset=utf-8",
      svg: "image/svg+xml",
    };
    expect(assetUrls()).toHaveLength(5);
    for (const url of assetUrls()) {
      const res = await t.call("GET", url);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe(types[url.split(".").pop()!]!);
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
  });

  test("Swagger UI's bundle is the installed file, gzipped for clients that take gzip", async () => {
    const url = assetUrls().find((u) => u.endsWith("swagger-ui-bundle.js"))!;
    const original = await Bun.file(
      new URL("../../node_modules/swagger-ui-dist/swagger-ui-bundle.js", import.meta.url),
    ).text();
    const plain = await t.call("GET", url);
    expect(plain.headers.get("Content-Encoding")).toBeNull();
    expect(await plain.text()).toBe(original);

    const res = await t.call("GET", url, { headers: { "Accept-Encoding": "gzip, deflate, br" } });
    expect(res.headers.get("Content-Encoding")).toBe("gzip");
    expect(res.headers.get("Vary")).toContain("Accept-Encoding");
    const compressed = new Uint8Array(await res.arrayBuffer());
    expect(compressed.byteLength).toBeLessThan(original.length / 3);
    expect(new TextDecoder().decode(gunzipSync(compressed))).toBe(original);

    const refused = await t.call("GET", url, { headers: { "Accept-Encoding": "gzip;q=0, identity" } });
    expect(refused.headers.get("Content-Encoding")).toBeNull();
  });

  test("the page's own script starts Swagger UI without sending the document anywhere", async () => {
    const url = assetUrls().find((u) => /\/docs\.[0-9a-f]{8}\.js$/.test(u))!;
    const script = await (await t.call("GET", url)).text();
    expect(script).toContain("validatorUrl: null");
    expect(script).toContain("queryConfigEnabled: false");
  });

  test.each([
    "/docs/assets/swagger-ui/0.0.0/swagger-ui-bundle.js",
    `/docs/assets/swagger-ui/${pkg.version}/swagger-ui-bundle.js.map`,
    `/docs/assets/swagger-ui/${pkg.version}/index.html`,
    `/docs/assets/swagger-ui/${pkg.version}/..%2Fpackage.json`,
    "/docs/assets/docs.00000000.js",
    "/docs/assets/constructor",
    "/docs/assets/__proto__",
  ])("%s is a 404 problem", async (url) => {
    const res = await t.call("GET", url);
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });

  test("HEAD answers like GET without a body", async () => {
    const url = assetUrls()[0]!;
    const res = await t.call("HEAD", url);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toContain("immutable");
    expect(await res.text()).toBe("");
  });
});

describe("a deployment without the viewer's files", () => {
  test("still answers /docs, with links to both documents and no broken asset", async () => {
    const app = createApp({ ...t.deps, docsAssets: undefined }, t.services);
    const res = await app.request("/docs");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toContain("swagger-ui-bundle.js");
    expect(page).toContain('href="/api/v1/openapi.json"');
    expect(page).toContain('href="/api/v1/asyncapi.json"');
    for (const [, url] of page.matchAll(/(?:href|src)="(\/docs\/assets\/[^"]+)"/g)) {
      expect((await app.request(url!)).status).toBe(200);
    }
    expect((await app.request(`/docs/assets/swagger-ui/${pkg.version}/swagger-ui.css`)).status).toBe(404);
  });
});
