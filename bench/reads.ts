/**
 * Read throughput over real sockets (`npm run bench:reads`; run it under `flock /tmp/angelshare-heavy.lock`).
 *
 * Starts, one at a time, a Bun hello-world server (the baseline) and our Bun server (src/runtime/bun.ts over
 * a fresh embedded libSQL file with the demo catalog and the generated spirits), each pinned to core 0 with
 * taskset, and loads each with `wrk -t1 -c50 -d5s` pinned to core 1 (Debian package `wrk`). Our server runs
 * twice: with the in-process read cache on (READ_CACHE_MS=1000, the default) and off (READ_CACHE_MS=0).
 * Per server: /healthz, GET /api/v1/spirits/{id}, the same with a current If-None-Match (a 304, sent by a
 * wrk Lua script), and GET /api/v1/spirits?limit=20. Prints requests/s and the ratios the issue sets targets on.
 *
 * Our server runs with LOG_LEVEL=warn (no line per request: stdout would be the benchmark) and
 * RATE_LIMIT_PER_MINUTE=0 (wrk is one client address). Flags: --duration 5s --connections 50
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type Subprocess, spawn, spawnSync } from "bun";

const arg = (name: string, fallback: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? String(process.argv[k + 1]) : fallback;
};
const DURATION = arg("duration", "5s");
const CONNECTIONS = arg("connections", "50");
const SERVER_CORE = "0";
const LOAD_CORE = "1";

if (spawnSync(["which", "wrk"]).exitCode !== 0) {
  console.error("wrk is missing: apt-get install -y wrk");
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), "angelshare-bench-reads-"));
const helloFile = join(dir, "hello.ts");
writeFileSync(
  helloFile,
  'const s = Bun.serve({ port: Number(process.env.PORT), hostname: "127.0.0.1", fetch: () => new Response("Hello, world!") });\nconsole.log("ready", s.port);\n',
);

async function waitFor(url: string, child: Subprocess, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before ${url} answered`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(100);
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

function startServer(argv: string[], env: Record<string, string>) {
  return spawn(["taskset", "-c", SERVER_CORE, process.execPath, ...argv], {
    env: { ...process.env, ...env },
    stdout: "ignore",
    stderr: "inherit",
  });
}

/** `wrk` pinned to the other core; answers requests per second (and non-2xx/3xx counts, which must be 0). */
function wrk(url: string, script?: string): { rps: number; errors: number } {
  const args = ["taskset", "-c", LOAD_CORE, "wrk", "-t1", `-c${CONNECTIONS}`, `-d${DURATION}`];
  if (script) args.push("-s", script);
  const out = spawnSync([...args, url]).stdout.toString();
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, errors };
}

type Figures = Record<string, { rps: number; errors: number }>;

async function measureOurs(readCacheMs: number, port: number, dbFile: string): Promise<Figures> {
  const server = startServer(["src/runtime/bun.ts"], {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${dbFile}`,
    JWT_SECRET: "bench-secret-that-is-long-enough-0123456789",
    LOG_LEVEL: "warn",
    RATE_LIMIT_PER_MINUTE: "0",
    READ_CACHE_MS: String(readCacheMs),
    NODE_ENV: "production",
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/healthz`, server);
    const list = (await (await fetch(`${base}/api/v1/spirits?limit=1`)).json()) as {
      items: { id: string }[];
    };
    const spirit = `${base}/api/v1/spirits/${list.items[0]!.id}`;
    const etag = (await fetch(spirit)).headers.get("ETag");
    if (!etag) throw new Error("the spirit read has no ETag");
    const lua = join(dir, "if-none-match.lua");
    writeFileSync(lua, `wrk.headers["If-None-Match"] = ${JSON.stringify(etag)}\n`);
    const check = await fetch(spirit, { headers: { "If-None-Match": etag } });
    if (check.status !== 304) throw new Error(`If-None-Match gave ${check.status}, not 304`);
    return {
      healthz: wrk(`${base}/healthz`),
      spirit: wrk(spirit),
      notModified: wrk(spirit, lua),
      list20: wrk(`${base}/api/v1/spirits?limit=20`),
    };
  } finally {
    server.kill();
    await server.exited;
  }
}

const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(
  `Machine: ${cpus().length} × ${cpu}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `Server on core ${SERVER_CORE}, wrk -t1 -c${CONNECTIONS} -d${DURATION} on core ${LOAD_CORE}; Bun ${Bun.version}\n`,
);

try {
  const dbFile = join(dir, "reads.db");
  const hello = startServer([helloFile], { PORT: "39101" });
  let helloRps: number;
  try {
    await waitFor("http://127.0.0.1:39101/", hello);
    helloRps = wrk("http://127.0.0.1:39101/").rps;
  } finally {
    hello.kill();
    await hello.exited;
  }
  // The first start migrates and seeds the file; both runs then read the same catalog.
  const on = await measureOurs(1000, 39102, dbFile);
  const off = await measureOurs(0, 39103, dbFile);

  const fmt = (n: number) => Math.round(n).toLocaleString("en-GB").padStart(9);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const rows: [string, number, number][] = [
    ["/healthz", on.healthz!.rps, off.healthz!.rps],
    ["GET /api/v1/spirits/{id}", on.spirit!.rps, off.spirit!.rps],
    ["  … with If-None-Match (304)", on.notModified!.rps, off.notModified!.rps],
    ["GET /api/v1/spirits?limit=20", on.list20!.rps, off.list20!.rps],
  ];
  console.log(`${"requests/s".padEnd(32)}${"cache on".padStart(9)}  ${"cache off".padStart(9)}`);
  console.log(`${"Bun hello-world (baseline)".padEnd(32)}${fmt(helloRps)}`);
  for (const [name, a, b] of rows) console.log(`${name.padEnd(32)}${fmt(a)}  ${fmt(b)}`);
  const errors = Object.values(on)
    .concat(Object.values(off))
    .reduce((n, f) => n + f.errors, 0);
  if (errors) console.log(`\n${errors} answers were not 2xx/3xx: the figures above are not valid.`);

  const targets: [string, number, number][] = [
    ["spirit read / hello-world (cache on)", on.spirit!.rps / helloRps, 0.5],
    ["304 / hello-world (cache on)", on.notModified!.rps / helloRps, 0.7],
    ["spirit read / /healthz (cache off)", off.spirit!.rps / off.healthz!.rps, 0.2],
    ["list of 20 / /healthz (cache off)", off.list20!.rps / off.healthz!.rps, 0.1],
  ];
  console.log("\nratio                                   measured  target");
  for (const [name, value, target] of targets) {
    console.log(
      `${name.padEnd(40)}${ratio(value, 1).padStart(8)}  ≥ ${target}×  ${value >= target ? "met" : "MISSED"}`,
    );
  }
  console.log(`\n/healthz / hello-world: ${ratio(on.healthz!.rps, helloRps)} (the app's per-request floor)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
