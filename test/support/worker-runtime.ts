/**
 * The Worker build in real workerd, for tests and benchmarks: the bundle `npm run build:worker` makes
 * (built once per process), run by Miniflare with wrangler.toml's compatibility date, flags and Durable
 * Object binding, against a libSQL file served over Hrana by the test stand-in (hrana-server.ts).
 */

import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { buildWorker, ROOT, type WorkerBundle } from "../../scripts/build-worker.ts";
import { type HranaServer, startHranaServer } from "./hrana-server.ts";
import { TEST_PROVENANCE_KEY } from "./test-keys.ts";

type WranglerConfig = {
  compatibility_date: string;
  compatibility_flags?: string[];
  durable_objects: { bindings: { name: string; class_name: string }[] };
  vars?: Record<string, string>;
  assets: { directory: string; binding: string; run_worker_first: boolean };
  queues?: {
    producers?: { binding: string; queue: string }[];
    consumers?: {
      queue: string;
      max_batch_size?: number;
      max_batch_timeout?: number;
      max_retries?: number;
    }[];
  };
};

export const wranglerConfig = Bun.TOML.parse(
  await Bun.file(join(ROOT, "wrangler.toml")).text(),
) as WranglerConfig;

const BUNDLE_PREFIX = "angelshare-worker-";

/**
 * `bun test` does not always run exit handlers, so each run also clears the bundles earlier runs left
 * (older than an hour: a run going on in parallel keeps its own).
 */
function removeStaleBundles() {
  const cutoff = Date.now() - 3600_000;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(BUNDLE_PREFIX)) continue;
    const path = join(tmpdir(), name);
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone already.
    }
  }
}

let bundle: Promise<WorkerBundle> | undefined;
let bundleDir: string | undefined;

/** Builds the Worker bundle once per test process (every test file shares it). */
export function workerBundle(): Promise<WorkerBundle> {
  if (!bundle) {
    removeStaleBundles();
    bundleDir = mkdtempSync(join(tmpdir(), BUNDLE_PREFIX));
    const dir = bundleDir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    bundle = buildWorker(join(dir, "index.js"));
    // The Worker's static assets, as wrangler's [build] command makes them.
    const copy = Bun.spawnSync(["node", join(ROOT, "scripts/copy-docs-assets.mjs"), join(dir, "assets")]);
    if (copy.exitCode !== 0) throw new Error(`copy-docs-assets failed: ${copy.stderr.toString()}`);
  }
  return bundle;
}

export type WorkerRuntimeOptions = {
  /** The SQLite file the Worker's database is (already migrated). */
  databasePath: string;
  /** Variables and secrets, on top of the test defaults. */
  vars?: Record<string, string>;
  /** Durable Object bindings to leave out (to test the configuration check). */
  withoutBindings?: string[];
  /**
   * How many instances of the Worker to run (default 1): each is its own isolate with its own module
   * state, all bound to the first one's Durable Object namespaces, as isolates on Cloudflare are.
   */
  instances?: number;
  /** Opens workerd's V8 inspector on this port (0: any free one; see `miniflare.getInspectorURL()`). */
  inspectorPort?: number;
};

export type WorkerRuntime = {
  /** The workerd server's base URL (`http://127.0.0.1:<port>`). */
  url: string;
  miniflare: Miniflare;
  hrana: HranaServer;
  /** What the Worker wrote to its console, in order. */
  logs: { level: string; message: string }[];
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** A request to one instance (0 is the first, the one `fetch` and `url` reach). */
  fetchVia(instance: number, path: string, init?: RequestInit): Promise<Response>;
  /** Evicts a spirit's Durable Object; its WebSockets hibernate instead of closing. */
  evictSpirit(spiritId: string): Promise<void>;
  /** Runs the Worker's `scheduled` handler for a cron expression from wrangler.toml. */
  runCron(cron: string): Promise<void>;
  close(): Promise<void>;
};

export const TEST_JWT_SECRET = "test-secret-that-is-long-enough-0123456789";
const DATABASE_TOKEN = "hrana-test-token";
const SCRIPT_NAME = "angelshare";

export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { path } = await workerBundle();
  const hrana = startHranaServer({ path: options.databasePath, authToken: DATABASE_TOKEN });
  const binding = wranglerConfig.durable_objects.bindings.find((b) => b.name === "SPIRIT_STOCK")!;
  const logs: { level: string; message: string }[] = [];
  const bindings = {
    ...wranglerConfig.vars,
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    // Every test request comes from one address on a real clock: tests opt in to the API rate limit
    // and to the per-route limits that every test placing orders would otherwise meet.
    RATE_LIMIT_PER_MINUTE: "0",
    ORDERS_PER_MINUTE_ACCOUNT: "0",
    ORDERS_PER_MINUTE_CLIENT: "0",
    DATABASE_URL: hrana.url,
    DATABASE_AUTH_TOKEN: DATABASE_TOKEN,
    JWT_SECRET: TEST_JWT_SECRET,
    PROVENANCE_SIGNING_KEY: TEST_PROVENANCE_KEY,
    ...options.vars,
  };
  const doBindings = wranglerConfig.durable_objects.bindings.filter(
    (b) => !options.withoutBindings?.includes(b.name),
  );
  const worker = (name: string, scriptName?: string) => ({
    name,
    modules: true,
    scriptPath: path,
    modulesRoot: dirname(path),
    compatibilityDate: wranglerConfig.compatibility_date,
    compatibilityFlags: wranglerConfig.compatibility_flags ?? [],
    bindings,
    assets: {
      directory: join(dirname(path), "assets"),
      binding: wranglerConfig.assets.binding,
      // What wrangler derives from `run_worker_first = true`.
      routerConfig: {
        has_user_worker: true,
        invoke_user_worker_ahead_of_assets: wranglerConfig.assets.run_worker_first,
      },
    },
    // The events queue, as wrangler.toml declares it (Miniflare runs Queues in process).
    queueProducers: Object.fromEntries(
      (wranglerConfig.queues?.producers ?? []).map((p) => [p.binding, { queueName: p.queue }]),
    ),
    // The Durable Objects live in the first instance; the others bind the same namespaces.
    durableObjects: Object.fromEntries(
      doBindings.map((b) => [b.name, { className: b.class_name, useSQLite: true, scriptName }]),
    ),
  });
  const instances = Array.from({ length: options.instances ?? 1 }, (_, i) =>
    i === 0 ? SCRIPT_NAME : `${SCRIPT_NAME}-${i + 1}`,
  );
  // Miniflare 5 takes wrangler-style worker configs; the v4 shape converts to one.
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      inspectorPort: options.inspectorPort,
      log: new Log(LogLevel.WARN),
      // The Worker's console output is kept for assertions (printed too with DEBUG_WORKER=1).
      handleStructuredLogs: ({ level, message }) => {
        logs.push({ level, message });
        if (process.env.DEBUG_WORKER) console.log(`[workerd ${level}] ${message}`);
      },
      workers: instances.map((name, i) =>
        i === 0
          ? {
              ...worker(name),
              // One consumer of the events queue, as on Cloudflare (max_concurrency = 1).
              queueConsumers: Object.fromEntries(
                (wranglerConfig.queues?.consumers ?? []).map((c) => [
                  c.queue,
                  {
                    maxBatchSize: c.max_batch_size,
                    maxBatchTimeout: c.max_batch_timeout,
                    maxRetries: c.max_retries,
                  },
                ]),
              ),
            }
          : worker(name, SCRIPT_NAME),
      ),
    }),
  );
  let url: URL;
  try {
    url = await miniflare.ready;
  } catch (err) {
    hrana.close();
    await miniflare.dispose().catch(() => {});
    throw err;
  }
  const base = url.origin;
  return {
    url: base,
    miniflare,
    hrana,
    logs,
    fetch: (p, init) => fetch(new URL(p, base), { redirect: "manual", ...init }),
    async fetchVia(instance, p, init) {
      const name = instances[instance];
      if (!name) throw new Error(`there is no instance ${instance} (${instances.length} started)`);
      const target = await miniflare.getWorker(name);
      const res = await target.fetch(new URL(p, base), { redirect: "manual", ...init } as never);
      return res as unknown as Response;
    },
    async evictSpirit(spiritId) {
      await miniflare.unsafeEvictDurableObject(SCRIPT_NAME, binding.class_name, {
        name: spiritId,
        webSockets: "hibernate",
      });
    },
    async runCron(cron) {
      const worker = await miniflare.getWorker();
      const result = await worker.scheduled({ cron });
      if (result.outcome !== "ok")
        throw new Error(`the scheduled handler for "${cron}" ended ${result.outcome}`);
    },
    async close() {
      await miniflare.dispose();
      hrana.close();
    },
  };
}
