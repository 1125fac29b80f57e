/**
 * The docs page renders in a real headless Chromium (Debian's `chromium`, never a downloaded browser),
 * loads everything from this server only, and logs no console error (a CSP violation would be one).
 * Without the browser it skips on a developer's machine, saying why; under CI (`CI=true`) it fails.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { createTestApp, type TestApp } from "../support/test-app.ts";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === "true" || process.env.CI === "1";
const missing = `the docs-page browser test needs Debian's chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH; .ci/run installs it)`;
if (!hasChromium && !inCi) console.warn(`SKIPPED: ${missing}.`);

let t: TestApp;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let profile: string;
let context: BrowserContext;

beforeAll(async () => {
  if (!hasChromium) return;
  t = await createTestApp();
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => t.app.fetch(req, srv) });
  base = `http://127.0.0.1:${server.port}`;
  profile = mkdtempSync(join(tmpdir(), "angelshare-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  if (!hasChromium) return;
  await context?.close();
  server?.stop(true);
  t?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe("GET /docs in headless Chromium", () => {
  if (!hasChromium && inCi) {
    test("has a browser under CI", () => {
      throw new Error(`CI=true, and ${missing}.`);
    });
  }

  test.skipIf(!hasChromium)(
    "renders every operation from this server alone, with no console error",
    async () => {
      const offMachine: string[] = [];
      const requested: string[] = [];
      // Anything not for this server is recorded and never sent.
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(`${base}/`) || url.startsWith("data:")) {
          requested.push(url);
          return route.continue();
        }
        offMachine.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") consoleErrors.push(msg.text());
      });
      page.on("pageerror", (err) => consoleErrors.push(`page error: ${err.message}`));
      const failed: string[] = [];
      page.on("requestfailed", (req) => failed.push(`${req.url()}: ${req.failure()?.errorText}`));
      page.on("response", (res) => {
        if (res.status() >= 400) failed.push(`${res.url()}: ${res.status()}`);
      });

      const response = await page.goto(`${base}/docs`, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");

      // The operations list has rendered: a system route and a catalog route are there.
      try {
        await page
          .locator('.opblock-summary-path[data-path="/healthz"]')
          .first()
          .waitFor({ timeout: 30_000 });
      } catch (err) {
        const shown = (await page.locator("#swagger-ui").textContent())?.slice(0, 500);
        throw new Error(
          `The operations did not render (${(err as Error).message.split("\n")[0]}). Page shows: ${shown}\n` +
            `Console errors: ${JSON.stringify(consoleErrors)}\nFailed requests: ${JSON.stringify(failed)}`,
        );
      }
      // Past 22 tags Swagger UI renders the operations list virtualised (only what is near the viewport is
      // in the DOM), so the catalog route is found by scrolling down to it, as a reader would.
      const spirits = page.locator('.opblock-summary-path[data-path="/api/v1/spirits"]').first();
      for (let step = 0; step < 200 && !(await spirits.isVisible()); step++) await page.mouse.wheel(0, 600);
      await spirits.waitFor();
      expect(await page.locator(".opblock").count()).toBeGreaterThan(10);
      await expect(page.locator(".info .title").first().textContent()).resolves.toContain(
        "Angel's Share API",
      );
      // The bearer scheme gives an Authorize button; the header links both machine-readable documents.
      expect(await page.locator("button.authorize").count()).toBeGreaterThan(0);
      expect(await page.locator('.docs-header a[href="/api/v1/openapi.json"]').count()).toBe(1);
      expect(await page.locator('.docs-header a[href="/api/v1/asyncapi.json"]').count()).toBe(1);

      // Opening an operation shows its responses, problem documents included.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.locator('.opblock-summary-path[data-path="/healthz"]').first().click();
      await page.locator(".opblock.is-open .responses-table").first().waitFor();

      expect(offMachine).toEqual([]);
      expect(failed).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(requested.some((u) => u.includes("/docs/assets/swagger-ui/"))).toBe(true);
      expect(requested.some((u) => u.endsWith("/api/v1/openapi.json"))).toBe(true);
      await page.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    '"Try it out" then "Execute" on listSpirits, with every field as the page fills it, lists the catalog',
    async () => {
      const staff = await t.signIn("staff");
      const made = await t.call("POST", "/api/v1/spirits", {
        headers: staff.headers,
        body: {
          name: "Docs Page Gin",
          brand: "Docs",
          distillery: "Docs Distillery",
          type: "gin",
          country: "DE",
          abv: 40,
          bottleSizeMl: 500,
          price: { amountMinor: 2900, currency: "EUR" },
        },
      });
      expect(made.status).toBe(201);
      const page = await context.newPage();
      // Deep linking opens the operation and scrolls to it.
      await page.goto(`${base}/docs#/Catalog/listSpirits`, { waitUntil: "load" });
      const operation = page.locator("#operations-Catalog-listSpirits");
      await operation.locator(".try-out__btn").waitFor({ timeout: 60_000 });
      await operation.locator(".try-out__btn").click();
      const [response] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/spirits", { timeout: 30_000 }),
        operation.locator("button.execute").click(),
      ]);
      const sent = new URL(response.url()).searchParams;
      const listed = ((await response.json()) as { items?: { name: string }[] }).items?.map((s) => s.name);
      // Only defaults go out (limit, facetLimit): no example narrows the list.
      expect({ status: response.status(), sent: [...sent.keys()].sort(), listed }).toEqual({
        status: 200,
        sent: [...sent.keys()].filter((k) => k === "limit" || k === "facetLimit").sort(),
        listed: ["Docs Page Gin"],
      });
      await operation.locator(".live-responses-table", { hasText: "Docs Page Gin" }).waitFor();
      await page.close();
    },
    150_000,
  );
});
