/**
 * How much memory search needs in a Worker isolate, beside the same figure on Bun, over one catalog.
 *
 *   flock /tmp/angelshare-heavy.lock bun bench/worker-search-memory.ts [--spirits 100000]
 *     [--database /path/to/seeded.db] [--runs 5]
 *
 * Without `--database`, `npm run seed` generates `--spirits` spirits into a temporary file first. Then:
 * - Worker: the Worker build in local workerd (Miniflare, the Hrana test endpoint over the file). The
 *   isolate's memory is read through workerd's V8 inspector (`Runtime.getHeapUsage` after a forced GC:
 *   the JavaScript heap, plus `backingStorageSize`, the ArrayBuffer memory outside it where typed arrays
 *   live); both count toward a Worker's 128 MB. Also printed: workerd's resident memory (VmRSS) and its
 *   peak while the first search runs (VmHWM, reset just before), which includes the runtime itself and
 *   the transient result sets of a load.
 * - Bun: the app in this process (`app.request`), heap and RSS before and after the same searches.
 * Searches: the kinds of `bench:search` with facets (browse, text, text with filters), first one cold.
 *
 * Measured 2026-12-03 at 100,000 spirits (2 × AMD EPYC, shared machine): the Worker isolate grew by
 * 25.0 MiB of heap and 11.0 MiB of ArrayBuffers when the first search loaded the copy and the vocabulary
 * (isolate 44.2 MiB after GC, 45.1 MiB at most after a search); workerd's RSS +57.6 MiB, peak 256.9 MiB
 * during the cold load (103.5 before; the inspector cannot sample the isolate while the load runs). The
 * cold first search took 2.7 s in workerd (the copy read over Hrana), 0.95 s on Bun. Bun: heap +28.8 MiB.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "libsql";
import { createTestApp } from "../test/support/test-app.ts";
import { startWorkerRuntime } from "../test/support/worker-runtime.ts";

const { values } = parseArgs({
  options: {
    spirits: { type: "string", default: "100000" },
    database: { type: "string" },
    runs: { type: "string", default: "5" },
    only: { type: "string" },
  },
});
const RUNS = Number(values.runs);
const MiB = 2 ** 20;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)}`;

const FACETS = "type,country,region,distillery,tags,awards,ageBucket,priceBucket,caskType";
const SEARCHES: [string, Record<string, string>][] = [
  ["browse+facets: everything", { facets: FACETS }],
  ["browse+facets: scotch from Islay", { type: "scotch", region: "Islay", facets: FACETS }],
  ["text+facets: islay peated", { q: "islay peated ", facets: FACETS }],
  ["text+facets: vanilla oak", { q: "vanilla oak ", facets: FACETS }],
  [
    "text+filters+facets: smoke, scotch 12-18y",
    { q: "smoke ", type: "scotch", minAge: "12", maxAge: "18", facets: FACETS },
  ],
  ["sorted: whisky 25+, top rated", { type: "whisky", minAge: "25", sort: "rating", facets: FACETS }],
];
const path = (params: Record<string, string>) =>
  `/api/v1/spirits?${new URLSearchParams({ limit: "20", ...params })}`;

let dir: string | undefined;
let databasePath = values.database;
if (!databasePath) {
  dir = mkdtempSync(join(tmpdir(), "angelshare-bench-search-memory-"));
  databasePath = join(dir, "catalog.db");
  const seeded = Bun.spawnSync(
    [process.execPath, "src/cli/seed.ts", "--spirits", values.spirits!, "--database", `file:${databasePath}`],
    { env: { ...process.env, LOG_LEVEL: "silent" }, stderr: "pipe" },
  );
  if (seeded.exitCode !== 0) throw new Error(`seed failed: ${seeded.stderr.toString()}`);
}

// --- A minimal Chrome DevTools Protocol client, for workerd's inspector --------------------------
type Cdp = { send<T>(method: string, params?: object): Promise<T>; close(): void };
async function connect(url: string): Promise<Cdp> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`cannot reach the inspector at ${url}`));
  });
  let next = 0;
  const pending = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>();
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data));
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  };
  return {
    send: <T>(method: string, params = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = ++next;
        pending.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result as T)));
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

type HeapUsage = { usedSize: number; totalSize: number; backingStorageSize?: number };
type Sample = { heap: number; buffers: number; rss: number };

/** The workerd process Miniflare started (a child of this one). */
function workerdPid(): number {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "workerd" && ppid === process.pid) return Number(name);
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error("no workerd child process found");
}
const procStatus = (pid: number, key: "VmRSS" | "VmHWM") =>
  Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? 0;
};

type Report = {
  before: Sample;
  after: Sample;
  peakRss?: number;
  coldMs: number;
  warmP50: number;
  warmP95: number;
  maxAfterRequest: Sample;
};

async function runSearches(fetchPath: (p: string) => Promise<Response>, sample: () => Promise<Sample>) {
  const times: number[] = [];
  let max: Sample = { heap: 0, buffers: 0, rss: 0 };
  for (let run = 0; run < RUNS; run++) {
    for (const [, params] of SEARCHES) {
      const started = performance.now();
      const res = await fetchPath(path(params));
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      times.push(performance.now() - started);
    }
    const s = await sample();
    if (s.heap + s.buffers > max.heap + max.buffers) max = s;
  }
  return { times, max };
}

async function measureWorker(): Promise<Report> {
  const worker = await startWorkerRuntime({ databasePath: databasePath!, inspectorPort: 0 });
  try {
    const inspector = new URL(await worker.miniflare.getInspectorURL());
    const targets = (await (await fetch(`http://${inspector.host}/json/list`)).json()) as {
      id: string;
      webSocketDebuggerUrl?: string;
    }[];
    const target = targets.find((t) => t.id.includes(":user:angelshare"));
    if (!target) throw new Error(`no inspector target for the Worker among ${targets.map((t) => t.id)}`);
    const cdp = await connect(target.webSocketDebuggerUrl ?? `ws://${inspector.host}/${target.id}`);
    const pid = workerdPid();
    const sample = async (): Promise<Sample> => {
      // workerd answers a forced GC when the isolate is next entered: a small request lets it in.
      const collected = cdp.send("HeapProfiler.collectGarbage");
      await (await worker.fetch("/healthz")).arrayBuffer();
      await collected;
      const u = await cdp.send<HeapUsage>("Runtime.getHeapUsage");
      return { heap: u.usedSize, buffers: u.backingStorageSize ?? 0, rss: procStatus(pid, "VmRSS") };
    };
    // The app is built and has answered a request, but search has not loaded anything yet.
    for (let i = 0; i < 3; i++) await (await worker.fetch("/api/v1/spirits?limit=20")).arrayBuffer();
    const before = await sample();
    writeFileSync(`/proc/${pid}/clear_refs`, "5"); // resets VmHWM, the peak resident set
    const started = performance.now();
    const res = await worker.fetch(path(SEARCHES[0]![1]));
    await res.arrayBuffer();
    const coldMs = performance.now() - started;
    const peakRss = procStatus(pid, "VmHWM");
    const after = await sample();
    const { times, max } = await runSearches(worker.fetch, sample);
    cdp.close();
    return {
      before,
      after,
      peakRss,
      coldMs,
      warmP50: percentile(times, 0.5),
      warmP95: percentile(times, 0.95),
      maxAfterRequest: max,
    };
  } finally {
    await worker.close();
  }
}

async function measureBun(): Promise<Report> {
  const t = await createTestApp({ env: { DATABASE_URL: `file:${databasePath}` } });
  try {
    const fetchPath = async (p: string) => t.app.request(p);
    const sample = async (): Promise<Sample> => {
      Bun.gc(true);
      await Bun.sleep(500);
      const m = process.memoryUsage();
      return { heap: m.heapUsed, buffers: m.arrayBuffers, rss: m.rss };
    };
    for (let i = 0; i < 3; i++) await (await fetchPath("/api/v1/spirits?limit=20")).arrayBuffer();
    const before = await sample();
    const started = performance.now();
    await (await fetchPath(path(SEARCHES[0]![1]))).arrayBuffer();
    const coldMs = performance.now() - started;
    const after = await sample();
    const { times, max } = await runSearches(fetchPath, sample);
    return {
      before,
      after,
      coldMs,
      warmP50: percentile(times, 0.5),
      warmP95: percentile(times, 0.95),
      maxAfterRequest: max,
    };
  } finally {
    t.close();
  }
}

const catalog = new Database(databasePath, { readonly: true });
const { n: count } = catalog.prepare("SELECT count(*) AS n FROM search_documents").get() as { n: number };
catalog.close();
const rows: [string, Report][] = [];
if (values.only !== "bun") rows.push(["Worker (local workerd, Hrana)", await measureWorker()]);
if (values.only !== "worker") rows.push(["Bun (app.request, libSQL file)", await measureBun()]);
if (dir) rmSync(dir, { recursive: true, force: true });

const cpu = cpus();
console.log(
  `\nSearch memory: ${count.toLocaleString("en-GB")} documents; ${SEARCHES.length} searches with facets × ${RUNS} runs after a cold first one`,
);
console.log(
  `Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, Bun ${Bun.version}, ${process.platform}`,
);
console.log(
  "MiB: heap = JS heap used after GC, buffers = ArrayBuffer memory (typed arrays), both per isolate/process\n",
);
const col = (s: string, w = 10) => s.padStart(w);
console.log(
  `${"target".padEnd(32)}${col("heap")}${col("buffers")}${col("rss")}${col("Δheap")}${col("Δbuffers")}${col("Δrss")}${col("peak rss")}${col("max h+b")}${col("cold ms")}${col("p50 ms")}${col("p95 ms")}`,
);
for (const [name, r] of rows) {
  console.log(
    `${name.padEnd(32)}${col(mib(r.after.heap))}${col(mib(r.after.buffers))}${col(mib(r.after.rss))}${col(mib(r.after.heap - r.before.heap))}${col(mib(r.after.buffers - r.before.buffers))}${col(mib(r.after.rss - r.before.rss))}${col(r.peakRss ? mib(r.peakRss) : "-")}${col(mib(r.maxAfterRequest.heap + r.maxAfterRequest.buffers))}${col(r.coldMs.toFixed(0))}${col(r.warmP50.toFixed(1))}${col(r.warmP95.toFixed(1))}`,
  );
}
console.log(
  "\nΔ: after the first search with facets minus before it (the app built and serving, search not loaded).\n" +
    "A Worker isolate may use 128 MB; workerd's RSS also holds the runtime and Miniflare's own workers.",
);
