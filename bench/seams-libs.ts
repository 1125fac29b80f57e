/**
 * Issue 18 ("one of each"): at each seam where a library could replace our code, ours against the
 * library on this machine, in one run: the median ns/op of the seam's hot cases (rounds alternate the
 * two), and the gzipped Worker bundle built with the seam's module swapped, so the bytes each adds are
 * exact.
 *   bun bench/seams-libs.ts [rounds=11]
 *
 * "Ours" for the seams that moved to a library is the code as of BASELINE (read with `git show` into
 * bench/.tmp/); "library" for the read cache is bench/seams-libs-lru-read-cache.ts (ours rebuilt on
 * lru-cache, passing test/db/read-cache.test.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import type { Plugin } from "esbuild";
import { Hono, type MiddlewareHandler } from "hono";
import { buildWorker, ROOT } from "../scripts/build-worker.ts";
import type { AppEnv } from "../src/app-env.ts";
import type { batchedLoader as BatchedLoader } from "../src/db/coalesce.ts";
import type { readCache as ReadCacheFn } from "../src/db/read-cache.ts";

/** The last commit before the switches (main at the start of issue 18's library bullet). */
const BASELINE = "e7cd217";
const rounds = Number(process.argv[2] ?? 11);
const TMP = join(ROOT, "bench/.tmp/seams-baseline");

/** `path` (under src/) as of BASELINE, written under bench/.tmp with its relative imports re-aimed. */
function baseline(path: string): string {
  const shown = Bun.spawnSync(["git", "show", `${BASELINE}:${path}`], { cwd: ROOT });
  if (shown.exitCode !== 0) throw new Error(`git show ${BASELINE}:${path}: ${shown.stderr}`);
  const out = join(TMP, path);
  const source = shown.stdout.toString().replace(/from "(\.[^"]+)"/g, (_, spec: string) => {
    const target = relative(dirname(out), resolve(ROOT, dirname(path), spec));
    return `from "${target.startsWith(".") ? target : `./${target}`}"`;
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, source);
  return out;
}

type Seam = {
  name: string;
  library: string;
  /** The module the app imports, and the files that stand for ours and for the library. */
  module: string;
  ours: string;
  lib: string;
};

const seams: Seam[] = [
  {
    name: "body limit",
    library: "hono/body-limit",
    module: "src/http/body-rules.ts",
    ours: baseline("src/http/body-rules.ts"),
    lib: join(ROOT, "src/http/body-rules.ts"),
  },
  {
    name: "request id",
    library: "hono/request-id",
    module: "src/http/request-context.ts",
    ours: baseline("src/http/request-context.ts"),
    lib: join(ROOT, "src/http/request-context.ts"),
  },
  {
    name: "read cache",
    library: "lru-cache",
    module: "src/db/read-cache.ts",
    ours: join(ROOT, "src/db/read-cache.ts"),
    lib: join(ROOT, "bench/seams-libs-lru-read-cache.ts"),
  },
  {
    name: "coalesce",
    library: "dataloader",
    module: "src/db/coalesce.ts",
    ours: baseline("src/db/coalesce.ts"),
    lib: join(ROOT, "src/db/coalesce.ts"),
  },
];
const seam = (name: string) => seams.find((s) => s.name === name)!;

/** Median ns per op for ours and the library (each round does `ops` ops), rounds interleaved. */
async function compare(
  ops: number,
  ours: () => Promise<void>,
  lib: () => Promise<void>,
): Promise<[number, number]> {
  await ours();
  await lib();
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    // Which goes first alternates, so neither always pays for the other's garbage.
    for (const i of r % 2 ? [1, 0] : [0, 1]) {
      Bun.gc(true);
      const started = Bun.nanoseconds();
      await [ours, lib][i]!();
      times[i]!.push((Bun.nanoseconds() - started) / ops);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return [median(times[0]), median(times[1])];
}

const repeat = async (n: number, op: () => unknown) => {
  for (let i = 0; i < n; i++) await op();
};

type Row = { seam: string; case: string; ours: number; lib: number };
const rows: Row[] = [];
async function measure(
  name: string,
  label: string,
  ops: number,
  make: (file: string) => Promise<() => Promise<void>>,
) {
  const s = seam(name);
  const [ours, lib] = await compare(ops, await make(s.ours), await make(s.lib));
  rows.push({ seam: `${s.name} (${s.library})`, case: label, ours, lib });
}

// --- body limit: the middleware in front of a handler that parses the JSON ---------------------------
const jsonOf = (size: number) => JSON.stringify({ name: "a".repeat(size - 12) });
const small = jsonOf(1024);
const large = new TextEncoder().encode(jsonOf(64 * 1024));
const streamed = () =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < large.length; at += 16 * 1024)
        controller.enqueue(large.subarray(at, at + 16 * 1024));
      controller.close();
    },
  });
const answer = async (res: Response | Promise<Response>) => (await res).text();
const bodyApp = async (file: string) => {
  const { limitBody } = (await import(file)) as { limitBody: MiddlewareHandler<AppEnv> };
  return new Hono<AppEnv>().post("/", limitBody, async (c) =>
    c.text(String((await c.req.json()).name.length)),
  );
};
await measure("body limit", "1 KiB JSON with Content-Length", 2_000, async (file) => {
  const app = await bodyApp(file);
  const init = { method: "POST", body: small, headers: { "Content-Length": String(small.length) } };
  return () => repeat(2_000, () => answer(app.request("/", init)));
});
await measure("body limit", "64 KiB JSON streamed (no length)", 300, async (file) => {
  const app = await bodyApp(file);
  return () =>
    repeat(300, () =>
      answer(app.request("/", { method: "POST", body: streamed(), duplex: "half" } as RequestInit)),
    );
});

// --- request id: the middleware (id, header, log line) in front of a trivial route --------------------
const idApp = async (file: string) => {
  const { requestContext } = (await import(file)) as { requestContext: MiddlewareHandler<AppEnv> };
  const deps = { logger: { log() {} } } as unknown as AppEnv["Variables"]["deps"];
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set("deps", deps);
      await next();
    })
    .use(requestContext)
    .get("/", (c) => c.text("ok"));
};
for (const [label, headers] of [
  ["caller's id kept", { "X-Request-Id": "req-1733-42-abcdef" }],
  ["no id: a fresh UUID", {}],
] as const) {
  await measure("request id", label, 5_000, async (file) => {
    const app = await idApp(file);
    return () => repeat(5_000, () => app.request("/", { headers }));
  });
}

// --- read cache --------------------------------------------------------------------------------------
const cacheFrom = async (file: string) =>
  ((await import(file)) as { readCache: typeof ReadCacheFn }).readCache;
await measure("read cache", "hit", 100_000, async (file) => {
  const cache = (await cacheFrom(file))<string, number>({ ttlMs: 60_000, maxEntries: 1_000 });
  const load = async () => 1;
  await cache.get("k", load);
  return () => repeat(100_000, () => cache.get("k", load));
});
await measure("read cache", "miss at capacity (load, store, evict)", 20_000, async (file) => {
  const cache = (await cacheFrom(file))<number, number>({ ttlMs: 60_000, maxEntries: 1_000 });
  let i = 0;
  return () => repeat(20_000, () => cache.get(i++ % 2_000, async () => i));
});
await measure("read cache", "invalidate then reload", 20_000, async (file) => {
  const cache = (await cacheFrom(file))<string, number>({ ttlMs: 60_000, maxEntries: 1_000 });
  const load = async () => 1;
  return () =>
    repeat(20_000, () => {
      cache.delete("k");
      return cache.get("k", load);
    });
});

// --- coalesce: loads per turn, over a loadMany that answers at once ------------------------------------
const loaderFrom = async (file: string) =>
  ((await import(file)) as { batchedLoader: typeof BatchedLoader }).batchedLoader<number, number>(
    async (keys) => new Map(keys.map((k) => [k, k])),
    { shared: true },
  );
await measure("coalesce", "100 loads (50 keys) in one turn, per load", 100 * 200, async (file) => {
  const loader = await loaderFrom(file);
  return () => repeat(200, () => Promise.all(Array.from({ length: 100 }, (_, i) => loader.load(i % 50))));
});
await measure("coalesce", "one load per turn", 2_000, async (file) => {
  const loader = await loaderFrom(file);
  return () => repeat(2_000, () => loader.load(1));
});

// --- the Worker bundle, each seam's module swapped for ours and for the library -------------------------
const swap = (target: string, replacement: string): Plugin => ({
  name: "swap-module",
  setup(build) {
    build.onResolve({ filter: /\.ts$/ }, (args) =>
      resolve(args.resolveDir, args.path) === target ? { path: replacement } : undefined,
    );
  },
});
const bundleOut = join(ROOT, "bench/.tmp/seams-worker.js");
const gz = async (s: Seam, file: string) =>
  (await buildWorker(bundleOut, [swap(join(ROOT, s.module), file)])).gzipBytes;
const bundles: { seam: string; ours: number; lib: number }[] = [];
for (const s of seams)
  bundles.push({ seam: `${s.name} (${s.library})`, ours: await gz(s, s.ours), lib: await gz(s, s.lib) });

const cpu = cpus();
console.log(
  `seams-libs: ${cpu.length} × ${cpu[0]?.model ?? "cpu"}, Bun ${Bun.version}, ${rounds} rounds, medians`,
);
const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(
  `\n${"seam".padEnd(30)} ${"case".padEnd(40)} ${pad("ours ns/op", 11)} ${pad("lib ns/op", 11)} ${pad("lib/ours", 9)}`,
);
for (const r of rows)
  console.log(
    `${r.seam.padEnd(30)} ${r.case.padEnd(40)} ${pad(r.ours.toFixed(0), 11)} ${pad(r.lib.toFixed(0), 11)} ${pad(`${(r.lib / r.ours).toFixed(2)}×`, 9)}`,
  );
console.log(
  `\n${"Worker bundle, gzipped".padEnd(30)} ${pad("ours B", 11)} ${pad("lib B", 11)} ${pad("lib adds", 11)}`,
);
for (const b of bundles)
  console.log(
    `${b.seam.padEnd(30)} ${pad(b.ours, 11)} ${pad(b.lib, 11)} ${pad(`${((b.lib - b.ours) / 1024).toFixed(2)} KiB`, 11)}`,
  );
