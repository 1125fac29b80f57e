/**
 * The flash sale against the Worker build in local workerd, beside the same sale on Bun in the same run.
 *
 *   flock /tmp/angelshare-heavy.lock bun bench/worker-flash-sale.ts [--requests 2000] [--bottles 100]
 *     [--customers 500] [--in-flight 100] [--runs 3]
 *
 * Each run: a new limited spirit with `--bottles` bottles, `--customers` signed-in customers, and
 * `--requests` order requests for one bottle each (spread over the customers, shuffled) sent over HTTP
 * with `--in-flight` at a time. Both targets are reached through real HTTP: Bun.serve in this process for
 * Bun (embedded libSQL file, in-process coordinator), workerd for the Worker (one Durable Object for the
 * spirit, libSQL over HTTP through the Hrana test endpoint in this process). The baseline is Bun; the
 * table gives the Worker's ratio to it.
 *
 * Local workerd is not production: no network between the Worker, its Durable Object and the database,
 * a test Hrana endpoint instead of Turso, and everything sharing this machine's cores.
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { openShop } from "../test/orders/shop.ts";
import { openTarget, type Target, type TargetName } from "../test/support/targets.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "2000" },
    bottles: { type: "string", default: "100" },
    customers: { type: "string", default: "500" },
    "in-flight": { type: "string", default: "100" },
    runs: { type: "string", default: "3" },
  },
});
const REQUESTS = Number(values.requests);
const BOTTLES = Number(values.bottles);
const CUSTOMERS = Number(values.customers);
const IN_FLIGHT = Number(values["in-flight"]);
const RUNS = Number(values.runs);

type RunResult = {
  totalMs: number;
  p50: number;
  p99: number;
  won: number;
  refused: number;
  failed: number;
  dbRequests: number | undefined;
};

async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function oneSale(target: Target): Promise<RunResult> {
  const shop = await openShop(target);
  const spiritId = await shop.spirit({ name: "Bench Drop", limitedEdition: true, totalOutturn: BOTTLES });
  await shop.receive(spiritId, BOTTLES);
  const customers = await pool(
    Array.from({ length: CUSTOMERS }, () => () => shop.customer()),
    20,
  );
  const base = await target.baseUrl();
  const body = JSON.stringify({
    items: [{ spiritId, quantity: 1 }],
    shipping: {
      name: "Bench Buyer",
      lines: ["1 Drop Lane"],
      city: "Edinburgh",
      postalCode: "EH1 1AA",
      country: "GB",
      region: "GB-SCT",
    },
  });
  const tasks = Array.from({ length: REQUESTS }, (_, i) => {
    const c = customers[i % customers.length]!;
    return async () => {
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/orders`, {
        method: "POST",
        headers: { ...c.headers, "Content-Type": "application/json" },
        body,
      });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    };
  });
  tasks.sort(() => Math.random() - 0.5);
  const dbBefore = target.worker?.hrana.requests;
  const started = performance.now();
  const answers = await pool(tasks, IN_FLIGHT);
  const totalMs = performance.now() - started;
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    totalMs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    won: answers.filter((a) => a.status === 201).length,
    refused: answers.filter((a) => a.status === 409 || a.status === 422).length,
    failed: answers.filter((a) => a.status >= 500).length,
    dbRequests: dbBefore === undefined ? undefined : target.worker!.hrana.requests - dbBefore,
  };
}

async function measure(name: TargetName): Promise<RunResult> {
  const target = await openTarget(name, {
    env: { RATE_LIMIT_PER_MINUTE: "0", ORDERS_PER_MINUTE_CLIENT: "0" },
  });
  try {
    await oneSale(target); // warm-up: JIT, statement caches, the Durable Object's first wake
    const runs: RunResult[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await oneSale(target));
    const pick = (f: (r: RunResult) => number) => median(runs.map(f));
    return {
      totalMs: pick((r) => r.totalMs),
      p50: pick((r) => r.p50),
      p99: pick((r) => r.p99),
      won: pick((r) => r.won),
      refused: pick((r) => r.refused),
      failed: Math.max(...runs.map((r) => r.failed)),
      dbRequests: runs[0]!.dbRequests === undefined ? undefined : pick((r) => r.dbRequests ?? 0),
    };
  } finally {
    await target.close();
  }
}

const rows: [string, RunResult][] = [
  ["Bun (in-process coordinator, libSQL file)", await measure("bun")],
  ["Worker (local workerd, Durable Object, Hrana)", await measure("worker")],
];

const cpu = cpus();
console.log(
  `\nFlash sale: ${REQUESTS} order requests for ${BOTTLES} bottles from ${CUSTOMERS} customers, ${IN_FLIGHT} in flight; median of ${RUNS} runs after a warm-up`,
);
console.log(
  `Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, Bun ${Bun.version}, ${process.platform}`,
);
const fmt = (n: number, d = 1) => n.toFixed(d).padStart(9);
console.log(
  `\n${"target".padEnd(48)}${"total ms".padStart(9)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"orders".padStart(8)}${"refused".padStart(9)}${"5xx".padStart(5)}${"db reqs".padStart(9)}`,
);
for (const [name, r] of rows) {
  console.log(
    `${name.padEnd(48)}${fmt(r.totalMs, 0)}${fmt((REQUESTS / r.totalMs) * 1000, 0)}${fmt(r.p50)}${fmt(r.p99)}${String(r.won).padStart(8)}${String(r.refused).padStart(9)}${String(r.failed).padStart(5)}${(r.dbRequests === undefined ? "-" : String(r.dbRequests)).padStart(9)}`,
  );
}
const [bun, worker] = [rows[0]![1], rows[1]![1]];
console.log(
  `\nWorker / Bun: total time ×${(worker.totalMs / bun.totalMs).toFixed(2)}, p99 ×${(worker.p99 / bun.p99).toFixed(2)}`,
);
if (worker.dbRequests !== undefined) {
  console.log(
    `Worker database round trips per order request: ${(worker.dbRequests / REQUESTS).toFixed(2)} (group commit shares them)`,
  );
}
console.log(
  "\nLocal workerd is not production: here the Worker, its Durable Object and the database (a test Hrana\n" +
    "endpoint, not Turso) share this machine with no network between them; on Cloudflare each database\n" +
    "round trip crosses the network, so absolute figures differ. Compare the shape, not the numbers.",
);
