/**
 * What the shared rate limiter costs a Worker request: the Worker build in local workerd (Miniflare, two
 * instances bound to one RATE_LIMITS namespace), requests to a cheap API path (an unknown route: a 404
 * problem, no database), with the API limit off (the baseline, measured in the same run) and on (one
 * RateLimitObject call per request), and a client over its budget flooding (answered from the isolate's
 * memory of the refusal, one object call a second).
 *
 *   flock /tmp/angelshare-heavy.lock bun bench/worker-rate-limit.ts [--requests 2000] [--concurrency 20]
 *
 * Measured 2026-12-07 on a shared 2-core machine (Xeon, other work running, so the figures are rough), 1,000
 * requests: limit off 2,044 req/s (p50 7.9 ms); limit on, 50 clients under budget, 1,445 req/s (0.71×,
 * p50 12.1 ms); one client over budget 1,770 req/s (0.87×, refusals from the isolate's memory). With
 * every budget written to the object's SQLite storage before it answered, the second case was 0.04×: per-
 * minute budgets now stay in the object's memory (worker-rate-limit-object.ts says why that is safe).
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { createTestApp } from "../test/support/test-app.ts";
import { startWorkerRuntime, type WorkerRuntime } from "../test/support/worker-runtime.ts";

const { values } = parseArgs({
  options: { requests: { type: "string", default: "2000" }, concurrency: { type: "string", default: "20" } },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const PATH = "/api/v1/nothing-here";

type Figures = { perSecond: number; p50: number; p99: number; statuses: Record<number, number> };

async function measure(worker: WorkerRuntime, clientOf: (i: number) => string): Promise<Figures> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const t0 = performance.now();
        const res = await worker.fetchVia(i % 2, PATH, { headers: { "CF-Connecting-IP": clientOf(i) } });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: REQUESTS / seconds, p50: at(0.5), p99: at(0.99), statuses };
}

const app = await createTestApp();
const databasePath = app.deps.config.DATABASE_URL.slice("file:".length);
const run = async (perMinute: string, clientOf: (i: number) => string) => {
  const worker = await startWorkerRuntime({
    databasePath,
    instances: 2,
    vars: { RATE_LIMIT_PER_MINUTE: perMinute },
  });
  try {
    await measure(worker, clientOf); // warm-up
    return await measure(worker, clientOf);
  } finally {
    await worker.close();
  }
};
const manyClients = (i: number) => `198.51.100.${i % 50}`;
const rows: [string, Figures][] = [
  ["limit off (baseline)", await run("0", manyClients)],
  ["limit on, 50 clients under budget", await run("1000000", manyClients)],
  ["limit on, one client over budget", await run("6", () => "203.0.113.1")],
];
app.close();

console.log(
  `worker rate limit: ${REQUESTS} requests, ${CONCURRENCY} at once, 2 instances (${cpus().length} × ${cpus()[0]?.model})`,
);
const base = rows[0]![1].perSecond;
console.log("case                                 req/s   ratio   p50 ms   p99 ms   statuses");
for (const [name, f] of rows) {
  console.log(
    `${name.padEnd(35)} ${f.perSecond.toFixed(0).padStart(6)}   ${(f.perSecond / base).toFixed(2).padStart(5)}   ${f.p50.toFixed(2).padStart(6)}   ${f.p99.toFixed(2).padStart(6)}   ${JSON.stringify(f.statuses)}`,
  );
}
