/**
 * The docs page on both targets: on Bun Swagger UI is bundled in; on the Worker it comes from the static
 * assets (ASSETS binding), so the viewer works without weighing on the Worker's 1 MiB bundle.
 */
import { expect, test } from "bun:test";
import { describeTargets } from "../support/targets.ts";

describeTargets("the docs page", (t) => {
  test("serves the page and the Swagger UI files it loads", async () => {
    const page = await t.call("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toStartWith("text/html");
    const html = await page.text();
    const vendor = [...html.matchAll(/(?:src|href)="(\/docs\/assets\/swagger-ui\/[^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(vendor.length).toBe(2);
    for (const path of vendor) {
      const res = await t.call("GET", path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toContain("immutable");
      expect((await res.text()).length).toBeGreaterThan(10_000);
    }
  });

  test("an unknown asset is a 404 problem", async () => {
    const res = await t.call("GET", "/docs/assets/swagger-ui/0.0.0/swagger-ui-bundle.js");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });
});
