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
const DURATION = arg("duration", "2s");
const ROUNDS = Number(arg("rounds", "5"));
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

function ourServer(port: number, dbFile: string, readCacheMs: number) {
  return startServer(["src/runtime/bun.ts"], {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${dbFile}`,
    JWT_SECRET: "bench-secret-that-is-long-enough-0123456789",
    LOG_LEVEL: "warn",
    RATE_LIMIT_PER_MINUTE: "0",
    READ_CACHE_MS: String(readCacheMs),
    NODE_ENV: "production",
  });
}

async function seed(port: number, dbFile: string) {
  const server = ourServer(port, dbFile, 1000);
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, server);
  } finally {
    server.kill();
    await server.exited;
  }
}

/** Our server started and checked: the URLs to load (the spirit's ETag in the 304 script). */
async function prepareOurs(readCacheMs: number, port: number, dbFile: string) {
  const server = ourServer(port, dbFile, readCacheMs);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/healthz`, server);
  const list = (await (await fetch(`${base}/api/v1/spirits?limit=1`)).json()) as {
    items: { id: string }[];
  };
  const spirit = `${base}/api/v1/spirits/${list.items[0]!.id}`;
  const etag = (await fetch(spirit)).headers.get("ETag");
  if (!etag) throw new Error("the spirit read has no ETag");
  const lua = join(dir, `if-none-match-${port}.lua`);
  writeFileSync(lua, `wrk.headers["If-None-Match"] = ${JSON.stringify(etag)}\n`);
  const check = await fetch(spirit, { headers: { "If-None-Match": etag } });
  if (check.status !== 304) throw new Error(`If-None-Match gave ${check.status}, not 304`);
  const loads: Record<string, () => { rps: number; errors: number }> = {
    healthz: () => wrk(`${base}/healthz`),
    spirit: () => wrk(spirit),
    notModified: () => wrk(spirit, lua),
    list20: () => wrk(`${base}/api/v1/spirits?limit=20`),
  };
  return { server, loads };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(
  `Machine: ${cpus().length} × ${cpu}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `Server on core ${SERVER_CORE}, wrk -t1 -c${CONNECTIONS} -d${DURATION} on core ${LOAD_CORE}, medians of ${ROUNDS} rounds; Bun ${Bun.version}\n`,
);

const servers: Subprocess[] = [];
try {
  const dbFile = join(dir, "reads.db");
  // A first start migrates and seeds the file, then stops: a server measured while it seeds (and while its
  // jobs catch up on the new catalog) measured its start as much as its reads. Both runs read that catalog.
  await seed(39104, dbFile);
  const hello = startServer([helloFile], { PORT: "39101" });
  servers.push(hello);
  await waitFor("http://127.0.0.1:39101/", hello);
  const on = await prepareOurs(1000, 39102, dbFile);
  servers.push(on.server);
  const off = await prepareOurs(0, 39103, dbFile);
  servers.push(off.server);

  // Rounds, each loading every server in turn, and the median of each: other work on a shared machine
  // lands on one measurement or another, not on one server's every figure.
  const runs: Record<string, { rps: number[]; errors: number }> = {};
  const load = (name: string, run: () => { rps: number; errors: number }) => {
    const r = run();
    runs[name] ??= { rps: [], errors: 0 };
    runs[name].rps.push(r.rps);
    runs[name].errors += r.errors;
  };
  for (let round = 0; round < ROUNDS; round++) {
    load("hello", () => wrk("http://127.0.0.1:39101/"));
    for (const [name, run] of Object.entries(on.loads)) load(`on.${name}`, run);
    for (const [name, run] of Object.entries(off.loads)) load(`off.${name}`, run);
  }
  const m = (name: string) => median(runs[name]!.rps);
  const helloRps = m("hello");
  const fig = (side: "on" | "off") => ({
    healthz: { rps: m(`${side}.healthz`) },
    spirit: { rps: m(`${side}.spirit`) },
    notModified: { rps: m(`${side}.notModified`) },
    list20: { rps: m(`${side}.list20`) },
  });
  const [onFig, offFig] = [fig("on"), fig("off")];

  const fmt = (n: number) => Math.round(n).toLocaleString("en-GB").padStart(9);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const rows: [string, number, number][] = [
    ["/healthz", onFig.healthz.rps, offFig.healthz.rps],
    ["GET /api/v1/spirits/{id}", onFig.spirit.rps, offFig.spirit.rps],
    ["  … with If-None-Match (304)", onFig.notModified.rps, offFig.notModified.rps],
    ["GET /api/v1/spirits?limit=20", onFig.list20.rps, offFig.list20.rps],
  ];
  console.log(`${"requests/s".padEnd(32)}${"cache on".padStart(9)}  ${"cache off".padStart(9)}`);
  console.log(`${"Bun hello-world (baseline)".padEnd(32)}${fmt(helloRps)}`);
  for (const [name, a, b] of rows) console.log(`${name.padEnd(32)}${fmt(a)}  ${fmt(b)}`);
  const errors = Object.values(runs).reduce((n, r) => n + r.errors, 0);
  if (errors) console.log(`\n${errors} answers were not 2xx/3xx: the figures above are not valid.`);

  const targets: [string, number, number][] = [
    ["spirit read / hello-world (cache on)", onFig.spirit.rps / helloRps, 0.5],
    ["304 / hello-world (cache on)", onFig.notModified.rps / helloRps, 0.7],
    ["spirit read / /healthz (cache off)", offFig.spirit.rps / offFig.healthz.rps, 0.2],
    ["list of 20 / /healthz (cache off)", offFig.list20.rps / offFig.healthz.rps, 0.1],
  ];
  console.log("\nratio                                   measured  target");
  for (const [name, value, target] of targets) {
    console.log(
      `${name.padEnd(40)}${ratio(value, 1).padStart(8)}  ≥ ${target}×  ${value >= target ? "met" : "MISSED"}`,
    );
  }
  console.log(
    `\n/healthz / hello-world: ${ratio(onFig.healthz.rps, helloRps)} (the app's per-request floor)`,
  );
} finally {
  for (const server of servers) server.kill();
  await Promise.all(servers.map((server) => server.exited));
  rmSync(dir, { recursive: true, force: true });
}
