import { expect, test } from "bun:test";
import { GZIP_LIMIT } from "../../scripts/build-worker.ts";
import { workerBundle } from "../support/worker-runtime.ts";

test("the Worker bundle stays under 1 MiB gzipped", async () => {
  const bundle = await workerBundle();
  expect(bundle.gzipBytes).toBeGreaterThan(10_000);
  expect(bundle.gzipBytes).toBeLessThan(GZIP_LIMIT);
});

test("the Worker bundle imports nothing from Node.js or Bun, only cloudflare:workers", async () => {
  const bundle = await workerBundle();
  expect(bundle.externalImports).toEqual(["cloudflare:workers"]);
  const code = await Bun.file(bundle.path).text();
  expect(code).not.toMatch(/\bBun\.(password|serve|file|env)\b/);
});
