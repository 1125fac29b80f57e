import { expect, test } from "bun:test";
import { GZIP_LIMIT } from "../../scripts/build-worker.ts";
import { workerBundle } from "../support/worker-runtime.ts";

test("the Worker bundle stays under 1 MiB gzipped", async () => {
  const bundle = await workerBundle();
  expect(bundle.gzipBytes).toBeGreaterThan(10_000);
  expect(bundle.gzipBytes).toBeLessThan(GZIP_LIMIT);
});

test("the Worker bundle imports nothing from Node.js or Bun, only cloudflare:workers and AsyncLocalStorage", async () => {
  const bundle = await workerBundle();
  // node:async_hooks is the one Node.js module, served by the nodejs_als flag (request traces).
  expect([...bundle.externalImports].sort()).toEqual(["cloudflare:workers", "node:async_hooks"]);
  const code = await Bun.file(bundle.path).text();
  expect(code).not.toMatch(/\bBun\.(password|serve|file|env)\b/);
});

test("the Worker bundle leaves out the SMTP transport (nodemailer is Bun only; Workers log e-mails)", async () => {
  const bundle = await workerBundle();
  const map = (await Bun.file(`${bundle.path}.map`).json()) as { sources: string[] };
  expect(map.sources.some((s) => s.includes("src/modules/notifications/"))).toBe(true);
  expect(map.sources.filter((s) => /nodemailer|smtp-mailer/.test(s))).toEqual([]);
});

test("the Worker bundle leaves out prom-client (Bun serves /metrics; Workers log their metrics)", async () => {
  const bundle = await workerBundle();
  const map = (await Bun.file(`${bundle.path}.map`).json()) as { sources: string[] };
  expect(map.sources.some((s) => s.endsWith("src/metrics.ts"))).toBe(true);
  expect(map.sources.filter((s) => /prom-client|prom-metrics/.test(s))).toEqual([]);
});
