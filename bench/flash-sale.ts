/**
 * Flash sale: a drop of N bottles (--bottles, default 100) and M buyers (--buyers, default 500) who all
 * press "buy" at once, over real HTTP, against
 *   - the real server: `src/runtime/bun.ts` (Bun.serve, the whole app: JWT, validation, compliance,
 *     per-spirit coordinator with group commit, guarded ledger batches) on a libSQL file, and
 *   - naive-in-app: bench/flash-sale-naive-app.ts, the SAME app (auth, validation, compliance, allocation,
 *     order rows) with only the stock step done naively: one interactive write transaction per request
 *     (read, check, update, insert), in turn. The like-for-like comparison for the stock engine.
 *   - the baseline: bench/flash-sale-baseline.ts, the issue's naive Bun.serve handler with one interactive
 *     write transaction per request (read level, check, update, insert) on a libSQL file, and nothing else
 *     (no account check, no validation, no compliance, no order rows),
 *   - the ceiling: bench/flash-sale-ceiling.ts, a handler that answers "sold out" at once (no token, no
 *     database): the most any server can show with this load generator on this machine,
 * each measured in the same run, round after round (--rounds, default 5, after one warm-up round each).
 * Each buyer is a distinct customer with their own token and orders one bottle.
 *
 * Buyers arrive once, as in a real drop: every measured round has buyers no server has seen (new accounts,
 * new tokens, one new connection each), the ceiling's included; the warm-up round
 * (JIT) has buyers of its own. 'real warm' is the same round's buyers again, caches warm: printed beside
 * the cold figure, never instead of it. Crowd rounds (`--buyers 500,5000,20000`: the first is the full
 * comparison, the others crowds) reuse connections as a load balancer would, new buyers each round, real
 * server against the ceiling, and print answers/s against the first size and the server's RSS growth.
 *
 * The load generator is Bun's fetch in this process for every server; 'srv cpu' (the server's CPU time over
 * the bursts' wall time) says who the limit is: the ceiling's server sits well under 100% (the generator,
 * TCP setup included, is its limit), the real server at 100% (it is its own).
 *
 * Servers run as child processes pinned to core 0 and this load generator to core 1 (taskset), when the
 * machine has two cores and taskset exists. Prints the machine, a row per round and the medians:
 * answers/s (the throughput the ratio uses), holds/s, p50/p99 latency, bottles held and oversold.
 * Exits non-zero if anything is oversold or an answer is neither 201 nor a 409 sold-out. The last line is
 * `real/ceiling: <N.NN>x answers/s, p99 <N.NN>x` (the ratios of the cold medians at the first size).
 *
 * `--db remote` puts each database behind libSQL over HTTP with `--rtt-ms` (default 5) added to every
 * round trip (bench/remote-libsql.ts): the situation at the edge that the engine's design is for.
 *
 * Run: `flock /tmp/angelshare-heavy.lock npm run bench:flash-sale -- --buyers 500,5000,20000`.
 *
 * Measured on the 2-core development machine (Xeon, bun 1.4.4), 500 buyers never seen, 100 bottles, medians
 * of 5 rounds, 2026-12-07 (the machine shared and drifting by a third between runs: read the ratios):
 *   file, sent by wrk: real 3,513 answers/s (p99 137 ms), warm 3,168 (p99 152 ms); naive-in-app 1,126
 *           (p99 438 ms); bare baseline 5,630 (p99 83 ms); ceiling 51,182 (p99 6.0 ms)
 *           -> real/ceiling: 0.07x answers/s, p99 22.77x (before the release gate's read cache was fixed
 *           and guards merged, the same bench: real 1,683, p99 292 ms -> 0.03x, p99 49.12x)
 *   file, sent by Bun's fetch: ceiling only 17,892 (its server 23% busy: the client was the limit), real
 *           2,159 -> 0.12x, p99 10.37x: why the drops are sent by wrk where it is installed
 *   crowds (connections reused): 500 / 5,000 / 20,000 buyers -> real 2,013 / 2,440 / 3,751 answers/s,
 *           server RSS +282 MB over the crowd rounds; the ceiling's 4,396-9,103 there is the client's limit
 *   crowd RSS, 2026-12-07 18:50 (`--rounds 1 --crowd-rounds 2`, 51,000 buyers never seen): +187 MB right after
 *           the last round, peak +254 MB, +22 MB after 15 s without requests (ceiling +7 / +18 / +1 MB): the
 *           growth is garbage awaiting a full collection, not kept buyers (heap live after GC +11 MB)
 *   remote (5 ms RTT, 2026-12-07 19:03, buyers never seen, 3 rounds): real 1,809 answers/s (p99 271 ms);
 *           echo 3,896 (p99 122 ms); naive-in-app 37 (p99 13.5 s); bare baseline 68 (p99 7.3 s); ceiling
 *           41,176 (p99 8.5 ms) -> real/echo 0.46x, p99 2.21x; real/ceiling 0.04x
 *   the split (echo: bench/flash-sale-echo-app.ts, the app's whole pipeline for each new buyer, then "sold
 *           out" with no order work; 2026-12-07 18:45, 3 rounds, file): ceiling 58,045 (p99 5.8 ms), echo
 *           5,871 (p99 81.7 ms), real 3,273 (p99 148 ms): echo/ceiling 0.10x, p99 14.0x; real/echo 0.56x,
 *           p99 1.81x. The pipeline alone, before any order work, is a fifth of the 0.5x target: no order
 *           path can bring the real server there. After this session's pipeline fixes (synchronous HS256,
 *           kept reads for a new buyer's account and profile, c.get instead of c.var) the whole drop was not
 *           re-measured on a quiet machine; see the README for the per-part figures
 *   2026-12-07 23:19–23:25, file, 5 rounds, after holds planned from the last commit, units decided
 *           in-process, one snapshot statement and background WAL checkpoints (machine slower than at
 *           18:45: ceiling 36–48k): three runs real 2,613 / 2,277 / 3,254 answers/s (p99 182 / 213 /
 *           148 ms), echo 4,504 / 5,183 / 5,661 -> real/echo 0.58x / 0.44x / 0.57x, p99 1.78x / 2.33x /
 *           1.78x; real/ceiling 0.06-0.07x. The session's starting code between them: real 2,351, echo
 *           6,001 -> 0.39x, p99 2.74x. Remote (3 rounds): real 1,773 (p99 274 ms), echo 3,928 -> 0.45x,
 *           p99 2.25x. Crowds (--rounds 1 --crowd-rounds 2): 2,276 / 2,310 / 4,090 answers/s at 500 /
 *           5,000 / 20,000; RSS +200 MB after the last round, peak +245 MB, +19 MB after 15 s
 * On an embedded file a round trip costs microseconds, so a transaction per request is cheap and the
 * bare handler, doing a fraction of the app's work, stays ahead; group commit pays off where round trips
 * cost milliseconds (the edge, Turso).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { parseConfig } from "../src/config.ts";
import { newId } from "../src/db/ids.ts";
import { accounts, customers } from "../src/db/schema/accounts.ts";
import { TokenService } from "../src/http/tokens.ts";

// ---------------------------------------------------------------------------------------------- options
function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a whole number above 0`);
    process.exit(2);
  }
  return value;
}
function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
}
const BOTTLES = flag("bottles", 100);
/** `--buyers 500` or `--buyers 500,5000,20000`: the first is the full comparison, the rest crowd rounds. */
const CROWDS = option("buyers", "500")
  .split(",")
  .map((x) => Number(x.trim()));
if (CROWDS.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error("--buyers must be whole numbers above 0, separated by commas");
  process.exit(2);
}
const BUYERS = CROWDS[0]!;
const ROUNDS = flag("rounds", 5);
const CROWD_ROUNDS = flag("crowd-rounds", 3);
/**
 * Seconds without requests after the crowd rounds before RSS is read again. The heap right after a burst
 * is mostly the burst's garbage (about 80 MB of a 120 MB heap at 20,000 buyers; 8 MB of it live requests),
 * which Bun's collector takes back some 8-10 s after the load stops; 15 s leaves it room.
 */
const SETTLE_S = flag("settle-s", 15);
/** `file` (the issue's comparison: a libSQL file each) or `remote` (libSQL over HTTP, RTT_MS away). */
const DB = option("db", "file");
const RTT_MS = Number(option("rtt-ms", "5"));
if ((DB !== "file" && DB !== "remote") || !Number.isFinite(RTT_MS) || RTT_MS < 0) {
  console.error("--db must be file or remote; --rtt-ms a number of milliseconds (0 or more)");
  process.exit(2);
}
const ROOT = new URL("..", import.meta.url).pathname;
/**
 * `--client wrk` (the default where Debian's wrk is installed) or `bun`: who sends a drop's one-connection-
 * per-buyer requests. Crowd rounds (connections reused) always use Bun's fetch.
 */
const hasWrk = spawnSync("wrk", ["--version"]).error === undefined;
const CLIENT = option("client", hasWrk ? "wrk" : "bun");
if (CLIENT !== "wrk" && CLIENT !== "bun") {
  console.error("--client must be wrk or bun");
  process.exit(2);
}
/** `--profile <dir>`: the real server writes a CPU profile (.cpuprofile, Chrome DevTools) there on exit. */
const profileAt = process.argv.indexOf("--profile");
const PROFILE_DIR = profileAt === -1 ? undefined : process.argv[profileAt + 1];

const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;
const pin = hasTaskset && cpus().length >= 2;

// Bun's fetch runs at most 256 requests at once unless told otherwise, and the setting is read at start:
// re-run this script with it (and pinned to core 1) before doing anything.
if (!process.env.FLASH_SALE_CHILD) {
  const cmd = [...(pin ? ["taskset", "-c", "1"] : []), process.execPath, ...process.argv.slice(1)];
  const child = spawnSync(cmd[0]!, cmd.slice(1), {
    stdio: "inherit",
    env: {
      ...process.env,
      FLASH_SALE_CHILD: "1",
      // Enough for every buyer of the main drop at once; crowd rounds queue behind it, as behind a balancer.
      BUN_CONFIG_MAX_HTTP_REQUESTS: String(Math.max(1024, BUYERS * 2)),
    },
  });
  process.exit(child.status ?? 1);
}

// ---------------------------------------------------------------------------------------------- servers
const dir = mkdtempSync(join(tmpdir(), "angelshare-flash-sale-"));
const JWT_SECRET = `bench-secret-${crypto.randomUUID()}`;
const children: ReturnType<typeof spawn>[] = [];
const servers: [string, { base: string; pid: number; stderr(): string }][] = [];

function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

function startServer(name: string, args: string[], env: Record<string, string>, core = "0") {
  const port = freePort();
  const cmd = [...(pin ? ["taskset", "-c", core] : []), process.execPath, ...args];
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  child.on("exit", (code) => {
    if (code && !stopping) console.error(`${name} server exited with ${code}:\n${stderr}`);
  });
  children.push(child);
  const server = { base: `http://127.0.0.1:${port}`, pid: child.pid ?? 0, stderr: () => stderr };
  servers.push([name, server]);
  return server;
}

async function waitReady(url: string, what: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(100);
  }
  return die(new Error(`${what} did not become ready at ${url}`));
}

/** Setup failed: say why (with the servers' own words), stop them, and leave. */
async function die(err: unknown): Promise<never> {
  console.error(err);
  for (const [name, s] of servers) {
    if (s.stderr()) console.error(`${name} stderr:\n${s.stderr()}`);
  }
  await stopAll();
  process.exit(1);
}

let stopping = false;
async function stopAll() {
  stopping = true;
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once("exit", () => resolve());
          c.kill("SIGTERM");
          setTimeout(() => {
            c.kill("SIGKILL");
            resolve();
          }, 5000).unref();
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}
process.on("SIGINT", () => {
  void stopAll().then(() => process.exit(130));
});

const realDb = join(dir, "real.db");
const naiveDb = join(dir, "naive-app.db");
const baselineDb = join(dir, "baseline.db");
// Remote: each database behind its own libSQL-over-HTTP endpoint, on the load generator's core (the
// servers' core stays theirs alone).
const remoteDb = (name: string, path: string) =>
  startServer(name, ["bench/remote-libsql.ts"], { DB_PATH: path, RTT_MS: String(RTT_MS) }, "1");
const remote =
  DB === "remote"
    ? {
        real: remoteDb("real's database", realDb),
        naive: remoteDb("naive-in-app's database", naiveDb),
        baseline: remoteDb("baseline's database", baselineDb),
      }
    : undefined;
if (remote) {
  await waitReady(`${remote.real.base}/health`, "the real server's database");
  await waitReady(`${remote.naive.base}/health`, "naive-in-app's database");
  await waitReady(`${remote.baseline.base}/health`, "the baseline's database");
}
const realEnv = {
  NODE_ENV: "production",
  DATABASE_URL: remote ? remote.real.base : `file:${realDb}`,
  HOST: "127.0.0.1",
  JWT_SECRET,
  SEED_DEMO: "false",
  // One client address sends every request here; the per-client limits would measure themselves (a real
  // drop's buyers come from many addresses). The per-account order limit stays on: each buyer orders once.
  RATE_LIMIT_PER_MINUTE: "0",
  ORDERS_PER_MINUTE_CLIENT: "0",
  LOG_LEVEL: "info",
};
const profileArgs = PROFILE_DIR
  ? ["--cpu-prof", "--cpu-prof-interval=100", `--cpu-prof-dir=${PROFILE_DIR}`]
  : [];
const real = startServer("real", [...profileArgs, "src/runtime/bun.ts"], realEnv);
const naive = startServer("naive-in-app", ["bench/flash-sale-naive-app.ts"], {
  ...realEnv,
  DATABASE_URL: remote ? remote.naive.base : `file:${naiveDb}`,
});
const baseline = startServer("baseline", ["bench/flash-sale-baseline.ts"], {
  BASELINE_DB_URL: remote ? remote.baseline.base : `file:${baselineDb}`,
  JWT_SECRET,
});
const ceiling = startServer("ceiling", ["bench/flash-sale-ceiling.ts"], {});
await waitReady(`${real.base}/readyz`, "the real server");
// On the real server's file (which it has migrated by now): it reads the same buyers' accounts.
const echo = startServer("echo", ["bench/flash-sale-echo-app.ts"], realEnv);
await waitReady(`${echo.base}/readyz`, "the echo server");
await waitReady(`${naive.base}/readyz`, "the naive-in-app server");
await waitReady(`${baseline.base}/healthz`, "the baseline server");
await waitReady(`${ceiling.base}/healthz`, "the ceiling server");

// ---------------------------------------------------------------------------------------------- people
// Accounts are written straight into the real server's database (it has migrated it by now) and their
// tokens signed with its key: registering 500 customers over HTTP would mostly measure password hashing.
const config = parseConfig({ ...realEnv, PORT: "0" });
const tokens = new TokenService(config, () => new Date());
// The same people in both apps' databases (the naive-in-app server has its own).
const seedClients = [createClient({ url: `file:${realDb}` }), createClient({ url: `file:${naiveDb}` })];
for (const c of seedClients) await c.execute("PRAGMA busy_timeout = 5000");
const seedDbs = seedClients.map((c) => drizzle(c));
const now = new Date().toISOString();
type Person = { id: string; headers: Record<string, string> };

/**
 * New people, never seen by any server: accounts in the apps' databases (`into`: 0 the real server's,
 * 1 naive-in-app's) and freshly signed tokens.
 */
async function makePeople(role: "staff" | "customer", count: number, into = [0, 1]): Promise<Person[]> {
  const rows = Array.from({ length: count }, (_, i) => ({
    id: newId("acc"),
    email: `${role}-${i}-${crypto.randomUUID().slice(0, 8)}@bench.test`,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    for (const seedDb of into.map((n) => seedDbs[n]!)) {
      await seedDb.batch([
        seedDb.insert(accounts).values(chunk.map((r) => ({ ...r, role, createdAt: now, updatedAt: now }))),
        seedDb.insert(customers).values(
          chunk.map((r) => ({
            id: r.id,
            name: `Bench ${role}`,
            dateOfBirth: "1980-04-01",
            country: "GB",
            region: "GB-SCT",
            preferences: {},
            createdAt: now,
            updatedAt: now,
          })),
        ),
      ]);
    }
  }
  return Promise.all(
    rows.map(async (r) => {
      const { token } = await tokens.issueAccessToken(r.id, role, r.email);
      return { id: r.id, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } };
    }),
  );
}

const [staff] = await makePeople("staff", 1).catch(die);

async function staffCall(method: string, path: string, body?: unknown, base = real.base) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: staff!.headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

const warehouse = {
  name: "Bench bonded warehouse",
  kind: "warehouse",
  country: "GB",
  region: "GB-SCT",
  shipsTo: ["GB"],
};
const locations = new Map<string, string>();
for (const app of [real, naive]) {
  const made = (await staffCall("POST", "/api/v1/locations", warehouse, app.base).catch(die)) as {
    id: string;
  };
  locations.set(app.base, made.id);
}

// ---------------------------------------------------------------------------------------------- a drop
type Answer = { status: number; type: string | undefined; ms: number; endAt: number };
type Burst = {
  answers: Answer[];
  wallMs: number;
  /** From wrk, which reports percentiles rather than each answer's time. */
  latency?: { p50: number; p99: number };
  lastHoldMs?: number;
  serverCpuSec: number;
  cpuWindowMs: number;
};
type DropResult = Burst & {
  held: number;
  ok201: number;
  oversold: number;
  unexpected: Answer[];
};

const ORDERS_PATH = "/api/v1/orders";
/** bench/flash-sale-echo-app.ts's route. */
const ECHO_PATH = "/api/v1/bench/echo";

const orderBody = (spiritId: string) =>
  JSON.stringify({
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

/**
 * Every buyer at once; latency from the request leaving to its body read. `fresh`: each buyer on a new
 * connection of their own, closed after the answer (a drop's buyers arrive once); otherwise connections
 * are kept and reused across buyers, as behind a load balancer.
 */
/**
 * The burst, with the server's CPU time over it (and over what window: wrk's includes its own start and
 * its 500 connections' closing, which the server also serves).
 */
async function burst(
  base: string,
  spiritId: string,
  buyers: Person[],
  fresh = true,
  path = ORDERS_PATH,
): Promise<Burst> {
  const pid = servers.find(([, s]) => s.base === base)?.[1].pid ?? 0;
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const b = await sendBurst(base, spiritId, buyers, fresh, path);
  return { ...b, serverCpuSec: cpuSeconds(pid) - cpu0, cpuWindowMs: performance.now() - t0 };
}

async function sendBurst(
  base: string,
  spiritId: string,
  buyers: Person[],
  fresh: boolean,
  path: string,
): Promise<Omit<Burst, "serverCpuSec" | "cpuWindowMs">> {
  const body = orderBody(spiritId);
  if (CLIENT === "wrk" && fresh) return wrkBurst(base, body, buyers, path);
  const start = performance.now();
  const answers = await Promise.all(
    buyers.map(async (b) => {
      const t0 = performance.now();
      const res = await fetch(`${base}${path}`, {
        method: "POST",
        headers: b.headers,
        body,
        keepalive: !fresh,
      });
      const text = await res.text();
      const end = performance.now();
      let type: string | undefined;
      if (res.status !== 201) {
        try {
          type = String((JSON.parse(text) as { type?: string }).type ?? "")
            .split("/")
            .pop();
        } catch {
          type = `not JSON: ${text.slice(0, 80)}`;
        }
      }
      return { status: res.status, type, ms: end - t0, endAt: end - start };
    }),
  );
  return { answers, wallMs: performance.now() - start };
}

let wrkRun = 0;
/** The same burst sent by wrk (bench/flash-sale-wrk.lua): one new connection and one request per buyer. */
async function wrkBurst(
  base: string,
  body: string,
  buyers: Person[],
  path: string,
): Promise<Omit<Burst, "serverCpuSec" | "cpuWindowMs">> {
  const run = join(dir, `wrk-${++wrkRun}`);
  const tokensFile = `${run}.tokens`;
  const bodyFile = `${run}.body`;
  await Bun.write(
    tokensFile,
    `${buyers.map((b) => b.headers.Authorization!.slice("Bearer ".length)).join("\n")}\n`,
  );
  await Bun.write(bodyFile, body);
  const out = `${run}.json`;
  const child = spawn(
    "wrk",
    [
      "-t1",
      `-c${buyers.length}`,
      "-d120s",
      "--timeout",
      "60s",
      "-s",
      join(ROOT, "bench/flash-sale-wrk.lua"),
      base,
    ],
    {
      env: { ...process.env, WRK_OUT: out, WRK_TOKENS: tokensFile, WRK_BODY: bodyFile, WRK_PATH: path },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = performance.now() + 120_000;
  while (!(await Bun.file(out).exists())) {
    if (child.exitCode !== null || performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`wrk ended before every buyer had an answer: ${stderr}`);
    }
    await Bun.sleep(2);
  }
  child.kill("SIGINT");
  await exited;
  const res = JSON.parse(await Bun.file(out).text()) as {
    wallMs: number;
    lastHoldMs: number;
    sent: number;
    counts: Record<string, number>;
  };
  const latency = JSON.parse(await Bun.file(`${out}.latency`).text()) as { p50: number; p99: number };
  if (res.sent !== buyers.length)
    throw new Error(`wrk sent ${res.sent} requests for ${buyers.length} buyers`);
  const answers: Answer[] = [];
  for (const [kind, n] of Object.entries(res.counts)) {
    const status = Number(kind.split(" ")[0]);
    const type = kind === "409 sold-out" ? "sold-out" : status === 201 ? undefined : "not a sold-out problem";
    for (let i = 0; i < n; i++) answers.push({ status, type, ms: Number.NaN, endAt: 0 });
  }
  return { answers, wallMs: res.wallMs, latency, lastHoldMs: res.lastHoldMs };
}

function judge(b: Burst, level: { onHand: number; reserved: number }): DropResult {
  const { answers } = b;
  const ok201 = answers.filter((a) => a.status === 201).length;
  const unexpected = answers.filter((a) => a.status !== 201 && !(a.status === 409 && a.type === "sold-out"));
  // Oversold: more bottles promised than were there, by the answers or by the level itself.
  const oversold = Math.max(0, ok201 - BOTTLES, level.reserved - level.onHand, ok201 - level.reserved);
  return { ...b, held: level.reserved, ok201, oversold, unexpected };
}

let dropNo = 0;
/** A drop on one of the two apps (the real server or naive-in-app): same spirit, same stock, same buyers. */
async function appDrop(base: string, buyers: Person[], fresh = true): Promise<DropResult> {
  const call = (method: string, path: string, body?: unknown) => staffCall(method, path, body, base);
  const spirit = (await call("POST", "/api/v1/spirits", {
    name: `Flash Sale Edition ${++dropNo}`,
    brand: "Bench",
    distillery: "Bench Distillery",
    type: "scotch",
    country: "GB",
    abv: 52.1,
    bottleSizeMl: 700,
    price: { amountMinor: 25000, currency: "GBP" },
    maxPerCustomer: 1,
  })) as { id: string };
  await call("PATCH", `/api/v1/inventory/${spirit.id}`, {
    type: "receive",
    locationId: locations.get(base)!,
    quantity: BOTTLES,
    reason: "flash sale bench",
  });
  const sent = await burst(base, spirit.id, buyers, fresh);
  const inv = (await call("GET", `/api/v1/inventory/${spirit.id}`)) as {
    levels: { onHand: number; reserved: number }[];
  };
  const level = inv.levels.reduce(
    (a, l) => ({ onHand: a.onHand + l.onHand, reserved: a.reserved + l.reserved }),
    {
      onHand: 0,
      reserved: 0,
    },
  );
  return judge(sent, level);
}

async function baselineDrop(buyers: Person[]): Promise<DropResult> {
  const spiritId = `spr_baseline_${++dropNo}`;
  const put = await fetch(`${baseline.base}/levels/${spiritId}`, {
    method: "PUT",
    body: JSON.stringify({ onHand: BOTTLES }),
  });
  if (put.status !== 201) throw new Error(`baseline reset: ${put.status}`);
  const sent = await burst(baseline.base, spiritId, buyers);
  const level = (await (await fetch(`${baseline.base}/levels/${spiritId}`)).json()) as {
    onHand: number;
    reserved: number;
    heldBottles: number;
  };
  return judge(sent, {
    onHand: level.onHand,
    reserved: Math.max(level.reserved, level.heldBottles),
  });
}

/** The ceiling: every answer is "sold out" at once; nothing is held, so nothing can be oversold. */
async function ceilingDrop(buyers: Person[], fresh = true): Promise<DropResult> {
  return allSoldOut(await burst(ceiling.base, `spr_ceiling_${++dropNo}`, buyers, fresh));
}

/** The echo: the app's pipeline for each buyer, then "sold out" with no order work. */
async function echoDrop(buyers: Person[]): Promise<DropResult> {
  return allSoldOut(await burst(echo.base, `spr_echo_${++dropNo}`, buyers, true, ECHO_PATH));
}

function allSoldOut(sent: Burst): DropResult {
  const ok = sent.answers.every((a) => a.status === 409 && a.type === "sold-out");
  return { ...sent, held: 0, ok201: 0, oversold: 0, unexpected: ok ? [] : sent.answers };
}

// ---------------------------------------------------------------------------------------------- figures
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** CPU seconds a process has used (user + system), from /proc; NaN where there is no /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}
/** Resident memory of a process in MB, from /proc: now (VmRSS) or its peak since the last reset (VmHWM). */
function rssMb(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}
/** Starts a process's peak (VmHWM) again from its RSS now (Linux's clear_refs "5"); false where it cannot. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

type Figures = {
  answersPerSec: number;
  holdsPerSec: number;
  p50: number;
  p99: number;
  held: number;
  oversold: number;
  /** Share of the burst's wall time the server's process spent on a CPU: near 100% means the server
   *  is the limit; well under it means something else (the load generator) is. */
  serverBusy: number;
  serverCpuSec: number;
  cpuWindowMs: number;
};
function figures(r: DropResult): Figures {
  const ms = r.answers.map((a) => a.ms);
  const lastHold =
    r.lastHoldMs ?? Math.max(0, ...r.answers.filter((a) => a.status === 201).map((a) => a.endAt));
  return {
    answersPerSec: (r.answers.length / r.wallMs) * 1000,
    holdsPerSec: lastHold > 0 ? (r.ok201 / lastHold) * 1000 : 0,
    p50: r.latency?.p50 ?? quantile(ms, 0.5),
    p99: r.latency?.p99 ?? quantile(ms, 0.99),
    held: r.held,
    oversold: r.oversold,
    serverBusy: (r.serverCpuSec * 1000) / r.cpuWindowMs,
    serverCpuSec: r.serverCpuSec,
    cpuWindowMs: r.cpuWindowMs,
  };
}
/** A drop and its figures. */
async function measure(drop: () => Promise<DropResult>): Promise<[DropResult, Figures]> {
  const r = await drop();
  return [r, figures(r)];
}
const med = (runs: Figures[]): Figures => ({
  answersPerSec: median(runs.map((f) => f.answersPerSec)),
  holdsPerSec: median(runs.map((f) => f.holdsPerSec)),
  p50: median(runs.map((f) => f.p50)),
  p99: median(runs.map((f) => f.p99)),
  held: median(runs.map((f) => f.held)),
  oversold: Math.max(...runs.map((f) => f.oversold)),
  // Over all the rounds together: /proc counts in 10 ms ticks, too coarse for one short burst.
  serverBusy: (sum(runs.map((f) => f.serverCpuSec)) * 1000) / sum(runs.map((f) => f.cpuWindowMs)),
  serverCpuSec: sum(runs.map((f) => f.serverCpuSec)),
  cpuWindowMs: sum(runs.map((f) => f.cpuWindowMs)),
});

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const header = `${"".padEnd(26)}${"answers/s".padStart(12)}${"holds/s".padStart(10)}${"p50 ms".padStart(10)}${"p99 ms".padStart(10)}${"held".padStart(7)}${"oversold".padStart(10)}${"srv cpu".padStart(9)}`;
const row = (label: string, f: Figures) =>
  `${label.padEnd(26)}${fmt(f.answersPerSec).padStart(12)}${fmt(f.holdsPerSec).padStart(10)}${fmt(f.p50, 1).padStart(10)}${fmt(f.p99, 1).padStart(10)}${String(f.held).padStart(7)}${String(f.oversold).padStart(10)}${`${fmt(f.serverBusy * 100)}%`.padStart(9)}`;

function machine() {
  const cpu = cpus();
  let kernel = "";
  try {
    kernel = spawnSync("uname", ["-sr"]).stdout.toString().trim();
  } catch {
    // not on a Unix
  }
  return [
    `machine: ${cpu.length} cores, ${cpu[0]?.model ?? "unknown CPU"}; ${kernel}; bun ${Bun.version}`,
    pin
      ? "pinning: servers on core 0 (taskset -c 0), load generator on core 1 (taskset -c 1)"
      : "pinning: none (needs taskset and two cores): servers and load share the cores",
    `load generator: ${CLIENT === "wrk" ? "wrk (native, bench/flash-sale-wrk.lua: one new connection and one request per buyer) on core 1" : "Bun's fetch (this process)"} for the drops, the same for every server; Bun's fetch for crowd rounds; 'srv cpu' is the server's CPU time over the bursts' wall time (10 ms ticks: read the medians' rows, summed over rounds)`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------- run
let failed = false;
/** Record a drop's result; anything unexpected, oversold or short fails the run. */
function check(name: string, r: DropResult, f: Figures, buyers: number) {
  if (r.unexpected.length > 0) {
    failed = true;
    const kinds = new Map<string, number>();
    for (const a of r.unexpected)
      kinds.set(`${a.status} ${a.type}`, (kinds.get(`${a.status} ${a.type}`) ?? 0) + 1);
    console.log(`  unexpected answers: ${JSON.stringify([...kinds])}`);
  }
  const shouldHold = name.startsWith("ceiling") || name === "echo" ? 0 : Math.min(BOTTLES, buyers);
  if (f.oversold > 0 || f.held !== shouldHold) {
    failed = true;
    console.log(`  ${name}: held ${f.held} (expected ${shouldHold}), oversold ${f.oversold}`);
  }
}

try {
  console.log(
    `flash sale: ${BOTTLES} bottles, ${BUYERS} concurrent buyers (one bottle each), ${ROUNDS} rounds${CROWDS.length > 1 ? `; crowd rounds at ${CROWDS.join(", ")} buyers` : ""}`,
  );
  console.log(
    DB === "file"
      ? "database: a libSQL file each (embedded, WAL)"
      : `database: libSQL over HTTP (Hrana stand-in on a file), ${RTT_MS} ms added to every round trip`,
  );
  console.log(machine());
  console.log(
    "buyers: every measured round has new buyers (new accounts, new tokens, one new connection each), the ceiling's included; 'real warm' is the same round's buyers again (token and profile caches warm)",
  );
  // One unmeasured round each, on buyers of its own, so every server runs with its JIT warm.
  {
    const warmup = await makePeople("customer", BUYERS);
    await appDrop(real.base, warmup);
    await appDrop(naive.base, warmup);
    await baselineDrop(warmup);
    await ceilingDrop(warmup);
    await echoDrop(warmup);
  }

  const runs = {
    real: [] as Figures[],
    warm: [] as Figures[],
    naive: [] as Figures[],
    baseline: [] as Figures[],
    ceiling: [] as Figures[],
    echo: [] as Figures[],
  };
  console.log(`\n${header}`);
  for (let round = 1; round <= ROUNDS; round++) {
    const buyers = await makePeople("customer", BUYERS);
    // Alternate, so drift in the machine's load touches all alike; 'real warm' last, on buyers the
    // real server has now seen once.
    for (const [name, drop, into] of [
      ["real", () => appDrop(real.base, buyers), runs.real],
      ["naive-in-app", () => appDrop(naive.base, buyers), runs.naive],
      ["baseline", () => baselineDrop(buyers), runs.baseline],
      ["ceiling", () => ceilingDrop(buyers), runs.ceiling],
      ["echo", () => echoDrop(buyers), runs.echo],
      ["real warm", () => appDrop(real.base, buyers), runs.warm],
    ] as const) {
      const [r, f] = await measure(drop);
      into.push(f);
      console.log(row(`${name} #${round}`, f));
      check(name, r, f, BUYERS);
    }
  }
  const m = {
    real: med(runs.real),
    warm: med(runs.warm),
    naive: med(runs.naive),
    baseline: med(runs.baseline),
    ceiling: med(runs.ceiling),
    echo: med(runs.echo),
  };
  console.log("");
  console.log(row("real (median)", m.real));
  console.log(row("real warm (median)", m.warm));
  console.log(row("naive-in-app (median)", m.naive));
  console.log(row("baseline (median)", m.baseline));
  console.log(row("ceiling (median)", m.ceiling));
  console.log(row("echo (median)", m.echo));
  const ratios = (f: Figures, against: Figures) =>
    `${fmt(f.answersPerSec / against.answersPerSec, 2)}x answers/s; p99 ${fmt(f.p99, 1)} ms vs ${fmt(against.p99, 1)} ms (${fmt(f.p99 / against.p99, 2)}x)`;
  console.log(`\nreal / naive-in-app (same app, naive stock step): ${ratios(m.real, m.naive)}`);
  console.log(`real / baseline (bare naive handler, no app):     ${ratios(m.real, m.baseline)}`);
  console.log(`real warm / ceiling (caches warm, not a drop):    ${ratios(m.warm, m.ceiling)}`);
  console.log(`echo / ceiling (the app's pipeline, no order work): ${ratios(m.echo, m.ceiling)}`);
  console.log(`real / echo (what the order path adds over HTTP):  ${ratios(m.real, m.echo)}`);
  const p99Limit = 2 * m.ceiling.p99 + (DB === "remote" ? 20 : 0);
  const tputMet = m.real.answersPerSec >= 0.5 * m.ceiling.answersPerSec;
  console.log(
    `target (issue 17): answers/s >= 0.5x the ceiling's ${tputMet ? "met" : "NOT met"}; p99 <= 2x the ceiling's${DB === "remote" ? " + 20 ms" : ""} (${fmt(p99Limit, 1)} ms) ${m.real.p99 <= p99Limit ? "met" : "NOT met"}`,
  );

  // Crowd rounds: new buyers each round, connections kept and reused (at most the client's limit at once),
  // real server against the ceiling; the first size is the like-for-like reference for the others.
  if (CROWDS.length > 1) {
    console.log(
      `\ncrowd rounds (connections reused, ${CROWD_ROUNDS} rounds each, new buyers each round)\n${header}`,
    );
    const rss0 = rssMb(real.pid);
    const ceilingRss0 = rssMb(ceiling.pid);
    const peaks = resetPeakRss(real.pid) && resetPeakRss(ceiling.pid);
    const byCrowd = new Map<number, { real: Figures; ceiling: Figures; rss: number }>();
    for (const n of CROWDS) {
      const realRuns: Figures[] = [];
      const ceilingRuns: Figures[] = [];
      for (let round = 1; round <= CROWD_ROUNDS; round++) {
        const buyers = await makePeople("customer", n, [0]);
        for (const [name, drop, into] of [
          ["real", () => appDrop(real.base, buyers, false), realRuns],
          ["ceiling", () => ceilingDrop(buyers, false), ceilingRuns],
        ] as const) {
          const [r, f] = await measure(drop);
          into.push(f);
          console.log(row(`${name} ${n} #${round}`, f));
          check(name, r, f, n);
        }
      }
      byCrowd.set(n, { real: med(realRuns), ceiling: med(ceilingRuns), rss: rssMb(real.pid) });
    }
    const after = { real: rssMb(real.pid), ceiling: rssMb(ceiling.pid) };
    const peak = peaks ? { real: rssMb(real.pid, "VmHWM"), ceiling: rssMb(ceiling.pid, "VmHWM") } : undefined;
    // Then no requests for SETTLE_S: the server's own collector and allocator run as they would between
    // drops (nothing here asks it to collect). What is left is what the crowds left behind.
    await Bun.sleep(SETTLE_S * 1000);
    const settled = { real: rssMb(real.pid), ceiling: rssMb(ceiling.pid) };
    const first = byCrowd.get(CROWDS[0]!)!;
    for (const [n, c] of byCrowd) {
      console.log(
        `crowd ${fmt(n)}: real ${fmt(c.real.answersPerSec)} answers/s (${fmt(c.real.answersPerSec / first.real.answersPerSec, 2)}x the figure at ${fmt(CROWDS[0]!)}; ceiling ${fmt(c.ceiling.answersPerSec)}, real/ceiling ${fmt(c.real.answersPerSec / c.ceiling.answersPerSec, 2)}x), p99 ${fmt(c.real.p99, 1)} ms; server RSS ${fmt(c.rss)} MB (+${fmt(c.rss - rss0)} MB since the first crowd round)`,
      );
    }
    const growth = (mb: number, from: number) => `${mb >= from ? "+" : ""}${fmt(mb - from)} MB`;
    const buyersSeen = sum(CROWDS) * CROWD_ROUNDS;
    console.log(
      `server RSS over the crowd rounds (${fmt(buyersSeen)} buyers never seen before), from ${fmt(rss0)} MB: ${growth(after.real, rss0)} right after the last round, ${peak ? `peak ${growth(peak.real, rss0)}, ` : ""}${growth(settled.real, rss0)} after ${SETTLE_S} s without requests; the ceiling's, same connections and rounds: ${growth(after.ceiling, ceilingRss0)}, ${peak ? `peak ${growth(peak.ceiling, ceilingRss0)}, ` : ""}${growth(settled.ceiling, ceilingRss0)}`,
    );
    console.log(
      `target (issue 17): server RSS growth over the crowd rounds under 200 MB: ${after.real - rss0 < 200 ? "met" : "NOT met"} right after the last round${peak ? `, ${peak.real - rss0 < 200 ? "met" : "NOT met"} at the peak` : ""}`,
    );
  }

  console.log(
    `oversold: real ${m.real.oversold}, naive-in-app ${m.naive.oversold}, baseline ${m.baseline.oversold} (max over rounds; must be 0)${failed ? "  [FAILED: see above]" : ""}`,
  );
  console.log(
    `real/ceiling: ${(m.real.answersPerSec / m.ceiling.answersPerSec).toFixed(2)}x answers/s, p99 ${(m.real.p99 / m.ceiling.p99).toFixed(2)}x`,
  );
} catch (err) {
  failed = true;
  console.error(err);
  for (const [name, s] of servers) {
    if (s.stderr()) console.error(`${name} stderr:\n${s.stderr()}`);
  }
} finally {
  await stopAll();
}
process.exit(failed ? 1 : 0);
