/**
 * Stock fan-out: W watchers (--watchers, default 5,000) on one spirit's WebSocket, and a stream of stock
 * changes (--changes per round, default 200, at --rate changes a second, default 20; --rounds, default 3).
 *
 *   - app: the whole app on Bun.serve (the same wiring as src/runtime/bun.ts: stock coordinator over a
 *     libSQL file, event bus, stock hub, Bun pub/sub). Each change is a real committed stock receipt; its
 *     time is taken when the coordinator publishes it, after the commit.
 *   - baseline: Bun.serve alone, every socket subscribed to one topic, and `server.publish` of messages
 *     of the same shape and size at the same rate, with no app in between.
 *
 * Both modes stay connected and their rounds alternate (baseline, app, baseline, ...), so the machine's
 * other work weighs on both alike. Server and clients are separate processes, pinned to core 0 and core 1 (taskset) when there are two
 * cores, so each has one. Latency is from commit (or publish) to receipt, on the clock both processes
 * share (performance.timeOrigin + performance.now()). Server memory per watcher is the server's RSS with
 * every watcher connected, after the first round, minus its RSS before the first one (each after a warm-up
 * and a full GC), over W.
 * Prints per mode the medians over the rounds: the server's time in the publish call per change (for the
 * app, the hub's whole work; Bun writes the sockets after it returns),
 * p50/p99/max latency, messages delivered per second, and KiB per watcher, then app/baseline ratios, the
 * targets (p99 < 50 ms, < 10 KiB per watcher) and the machine's load average (other work skews it all).
 *
 * Run: `flock /tmp/angelshare-heavy.lock npm run bench:fanout -- --watchers 5000 --rate 20`.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { manualPayments } from "../src/modules/orders/payment-providers/manual.ts";
import { connectRaw, now, readNumberAfter, serveCommands } from "./raw-websocket.ts";

// ---------------------------------------------------------------------------------------------- options
function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} must be a number above 0`);
    process.exit(2);
  }
  return value;
}
function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const WATCHERS = flag("watchers", 5000);
const CHANGES = flag("changes", 200);
const RATE = flag("rate", 20);
/** Diagnostic: the app's changes are published on its event bus without a commit (no database work). */
const NO_COMMIT = process.argv.includes("--no-commit");
const ROUNDS = flag("rounds", 3);

type Command = { cmd: string; [key: string]: unknown };
type Reply = { [key: string]: unknown };

// ---------------------------------------------------------------------------------------------- server
async function runServer(mode: "app" | "baseline") {
  const memory = () => {
    Bun.gc(true);
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed };
  };
  const commits: [number, number][] = [];
  /** Milliseconds in the publish call per change (baseline: server.publish; app: the whole hub). */
  const fanout: number[] = [];
  let change: () => Promise<void>;
  let port: number;
  let close: () => Promise<void>;

  if (mode === "baseline") {
    const spiritId = "spr_bench000000000000000000";
    let version = 0;
    const text = (type: string, v: number) =>
      JSON.stringify({
        type,
        spiritId,
        available: 1000 + v,
        byLocation: [{ locationId: "loc_bench_warehouse", available: 1000 + v }],
        status: "available",
        version: v,
        at: new Date().toISOString(),
      });
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req, srv) =>
        srv.upgrade(req, { data: undefined }) ? undefined : new Response("no", { status: 426 }),
      websocket: {
        open(ws) {
          ws.subscribe("stock");
          ws.send(text("snapshot", version));
        },
        message() {},
        perMessageDeflate: false,
      },
    });
    port = server.port!;
    change = async () => {
      version += 1;
      const message = text("stock", version);
      const t = now();
      commits.push([version, t]);
      server.publish("stock", message);
      fanout.push(now() - t);
    };
    close = async () => {
      server.stop(true);
    };
  } else {
    const { createApp } = await import("../src/app.ts");
    const { parseConfig } = await import("../src/config.ts");
    const { openLocalDatabase } = await import("../src/db/local.ts");
    const { systemClock } = await import("../src/deps.ts");
    const { prepareDatabase } = await import("../src/startup.ts");
    const { createStockEventBus } = await import("../src/stock/events.ts");
    const { createLocalStockCoordinator } = await import("../src/stock/local-coordinator.ts");
    const { createBunSockets } = await import("../src/runtime/bun-sockets.ts");
    const { bunPasswords } = await import("../src/runtime/bun-passwords.ts");
    const { createMemoryRateLimiter } = await import("../src/http/rate-limit.ts");
    const { buildServices } = await import("../src/services.ts");
    const dir = mkdtempSync(join(tmpdir(), "angelshare-fanout-"));
    const config = parseConfig({
      NODE_ENV: "production",
      DATABASE_URL: `file:${join(dir, "fanout.db")}`,
      JWT_SECRET: `bench-secret-${crypto.randomUUID()}`,
      SEED_DEMO: "false",
      LOG_LEVEL: "silent",
      // Every watcher connects from 127.0.0.1: the per-client limit would refuse most of them.
      RATE_LIMIT_PER_MINUTE: "0",
      STOCK_STREAMS_PER_CLIENT: "0",
    });
    const database = await openLocalDatabase(config.DATABASE_URL);
    const logger = { log() {} };
    const events = createStockEventBus((err) => console.error("stock listener failed", err));
    // Registered before the app's hub: called right after the commit, before any fan-out work.
    events.subscribeAll((e) => commits.push([e.version, now()]));
    const sockets = createBunSockets({ backlogBytes: config.STOCK_STREAM_BACKLOG_BYTES });
    const stock = createLocalStockCoordinator({
      client: database.client,
      clock: systemClock,
      events,
      logger,
    });
    const deps = {
      config,
      ...database,
      clock: systemClock,
      passwords: bunPasswords,
      logger,
      stockEvents: events,
      stock,
      rateLimiter: createMemoryRateLimiter(systemClock),
      payments: manualPayments,
      sockets: sockets.port,
    };
    const services = buildServices(deps);
    await prepareDatabase(deps, services);
    const app = createApp(deps, services);
    // Registered after the app's hub: called once the hub has published the change to every socket.
    events.subscribeAll(() => fanout.push(now() - commits.at(-1)![1]));
    const spirit = await services.catalog.createSpirit({
      name: "Bench Cask 1990",
      brand: "Bench",
      distillery: "Bench Distillery",
      type: "scotch",
      country: "GB",
      abv: 52.1,
      bottleSizeMl: 700,
      price: { amountMinor: 50000, currency: "GBP" },
    } as never);
    const receive = () =>
      stock
        .submit({
          type: "receive",
          spiritId: spirit.id,
          actorId: null,
          locationId: "loc_bench_warehouse",
          batchId: null,
          quantity: 1,
        })
        .then((outcome) => {
          if (!outcome.ok) throw new Error(`receive refused: ${outcome.detail}`);
        });
    await receive();
    commits.length = 0;
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: app.fetch,
      websocket: sockets.websocket,
    });
    sockets.attach(server);
    port = server.port!;
    const state = await stock.snapshot(spirit.id);
    let version = state.version;
    change = NO_COMMIT
      ? async () => {
          version += 1;
          events.publish({ ...state, version, available: version, at: new Date().toISOString() });
        }
      : receive;
    close = async () => {
      services.stockStream.hub.close();
      server.stop(true);
      await stock.close();
      database.client.close();
      rmSync(dir, { recursive: true, force: true });
    };
    process.stdout.write(
      `${JSON.stringify({ ready: true, port, path: `/api/v1/spirits/${spirit.id}/stock/ws` })}\n`,
    );
  }
  if (mode === "baseline") process.stdout.write(`${JSON.stringify({ ready: true, port, path: "/" })}\n`);

  serveCommands<Command>(async (c) => {
    if (c.cmd === "memory") return memory();
    if (c.cmd === "stream") {
      // One change first, then a pause: watchers that joined before any event go into the topic with it.
      await change();
      await Bun.sleep(300);
      commits.length = 0;
      fanout.length = 0;
      const count = Number(c.changes);
      const interval = 1000 / Number(c.rate);
      const start = now();
      for (let i = 0; i < count; i++) {
        const due = start + i * interval;
        const wait = due - now();
        if (wait > 0) await Bun.sleep(wait);
        await change();
      }
      const sorted = fanout.slice().sort((a, b) => a - b);
      return { commits: commits.slice(), publish: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN };
    }
    if (c.cmd === "close") {
      await close();
      return { closed: true };
    }
    return { error: `unknown command ${c.cmd}` };
  });
}

// ---------------------------------------------------------------------------------------------- clients
/** The watchers: raw WebSocket clients (bench/raw-websocket.ts), each keeping every version it received. */
const VERSION_KEY = Buffer.from('"version":');

type Watcher = { versions: number[]; times: number[] };

async function runClients(url: string, count: number) {
  const { hostname, port, pathname } = new URL(url);
  const watchers: Watcher[] = [];
  const started = now();
  const connect = (index: number) => {
    const w: Watcher = { versions: [], times: [] };
    watchers[index] = w;
    return connectRaw(
      { hostname, port: Number(port), path: pathname, label: `watcher ${index}` },
      (payload, t) => {
        w.versions.push(readNumberAfter(payload, VERSION_KEY));
        w.times.push(t);
      },
    );
  };
  for (let i = 0; i < count; i += 250) {
    await Promise.all(Array.from({ length: Math.min(250, count - i) }, (_, k) => connect(i + k)));
  }
  process.stdout.write(
    `${JSON.stringify({ connected: watchers.length, seconds: Math.round((now() - started) / 100) / 10 })}\n`,
  );

  serveCommands<Command>(async (c) => {
    if (c.cmd !== "collect") return { error: `unknown command ${c.cmd}` };
    const commits = new Map(c.commits as [number, number][]);
    const last = Math.max(...commits.keys());
    // Wait (a little) for the last change to reach everyone.
    const deadline = now() + 10_000;
    while (now() < deadline && watchers.some((w) => (w.versions.at(-1) ?? -1) < last)) await Bun.sleep(20);
    const latencies: number[] = [];
    let outOfOrder = 0;
    let first = Number.POSITIVE_INFINITY;
    let lastReceipt = 0;
    for (const w of watchers) {
      const v = w.versions;
      const t = w.times;
      for (let k = 0; k < v.length; k++) {
        if (k > 0 && v[k]! <= v[k - 1]!) outOfOrder += 1;
        const committed = commits.get(v[k]!);
        if (committed === undefined) continue;
        latencies.push(t[k]! - committed);
        first = Math.min(first, committed);
        lastReceipt = Math.max(lastReceipt, t[k]!);
      }
      // Keep only what the next round needs: the last version seen.
      w.versions = v.slice(-1);
      w.times = t.slice(-1);
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
    return {
      delivered: latencies.length,
      expected: commits.size * count,
      outOfOrder,
      p50: pct(50),
      p99: pct(99),
      max: latencies.at(-1) ?? Number.NaN,
      perSecond: latencies.length / ((lastReceipt - first) / 1000),
    };
  });
}

// ---------------------------------------------------------------------------------------------- driver
const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;
const pin = hasTaskset && cpus().length >= 2;

function child(core: number, args: string[]) {
  const cmd = [...(pin ? ["taskset", "-c", String(core)] : []), process.execPath, import.meta.path, ...args];
  const proc = spawn(cmd[0]!, cmd.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
  let done = false;
  proc.on("exit", (code, signal) => {
    if (done) return;
    console.error(`bench child ${args.join(" ")} exited early (${code ?? signal})`);
    process.exit(1);
  });
  const replies: Reply[] = [];
  const waiting: ((r: Reply) => void)[] = [];
  createInterface({ input: proc.stdout! }).on("line", (line) => {
    const reply = JSON.parse(line) as Reply;
    const w = waiting.shift();
    if (w) w(reply);
    else replies.push(reply);
  });
  const next = () =>
    new Promise<Reply>((resolve) => (replies.length ? resolve(replies.shift()!) : waiting.push(resolve)));
  return {
    next,
    ask(command: Command) {
      proc.stdin!.write(`${JSON.stringify(command)}\n`);
      return next();
    },
    kill() {
      done = true;
      proc.stdin!.end();
      proc.kill("SIGTERM");
    },
  };
}

type Round = {
  /** Server milliseconds per change in the publish call (app: the hub's work; the runtime writes the sockets after it). */
  publish: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
  delivered: number;
  expected: number;
  outOfOrder: number;
};

/** Starts a mode's server and its watchers; returns what its rounds need. */
async function setUp(mode: "app" | "baseline") {
  const server = child(0, ["--role", "server", "--mode", mode, ...(NO_COMMIT ? ["--no-commit"] : [])]);
  const ready = (await server.next()) as { port: number; path: string };
  // Warm the server's paths (JIT, database pages) with no watcher, so the memory it grows by then is not
  // counted against the watchers.
  await server.ask({ cmd: "stream", changes: 100, rate: 1000 });
  const idle = (await server.ask({ cmd: "memory" })) as { rss: number; heap: number };
  const clients = child(1, [
    "--role",
    "clients",
    "--url",
    `ws://127.0.0.1:${ready.port}${ready.path}`,
    "--watchers",
    String(WATCHERS),
  ]);
  const connected = (await clients.next()) as { connected: number; seconds: number };
  if (connected.connected !== WATCHERS)
    throw new Error(`${mode}: only ${connected.connected} watchers connected`);
  return {
    mode,
    server,
    clients,
    idle,
    loaded: idle,
    connectSeconds: connected.seconds,
    rounds: [] as Round[],
  };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

async function round(m: Setup) {
  const { commits, publish } = (await m.server.ask({ cmd: "stream", changes: CHANGES, rate: RATE })) as {
    commits: [number, number][];
    publish: number;
  };
  m.rounds.push({ ...((await m.clients.ask({ cmd: "collect", commits })) as Round), publish });
  // Steady state: every watcher connected, snapshotted and in the topic, after a round of traffic.
  if (m.rounds.length === 1)
    m.loaded = (await m.server.ask({ cmd: "memory" })) as { rss: number; heap: number };
}

async function tearDown(m: Setup) {
  await m.server.ask({ cmd: "close" });
  m.server.kill();
  m.clients.kill();
  const median = (k: keyof Round) => {
    const xs = m.rounds.map((r) => r[k]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  return {
    mode: m.mode as string,
    connectSeconds: m.connectSeconds,
    publish: median("publish"),
    p50: median("p50"),
    p99: median("p99"),
    max: median("max"),
    perSecond: median("perSecond"),
    delivered: m.rounds.reduce((n, r) => n + r.delivered, 0),
    expected: m.rounds.reduce((n, r) => n + r.expected, 0),
    outOfOrder: m.rounds.reduce((n, r) => n + r.outOfOrder, 0),
    rssPerWatcher: (m.loaded.rss - m.idle.rss) / WATCHERS / 1024,
    heapPerWatcher: (m.loaded.heap - m.idle.heap) / WATCHERS / 1024,
  };
}

async function main() {
  const loadStart = loadavg()[0]!;
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `Stock fan-out: ${WATCHERS} watchers on one spirit, ${ROUNDS} rounds of ${CHANGES} changes at ${RATE}/s${NO_COMMIT ? " (app: published on the bus without commits)" : ""}`,
  );
  console.log(
    `Machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Bun ${Bun.version}; ${pin ? "server on core 0, clients on core 1" : "not pinned (no taskset or one core)"}`,
  );
  // Both stay connected and their rounds alternate, so a change in the machine's load hits both alike.
  const modes = [await setUp("baseline"), await setUp("app")];
  for (let r = 0; r < ROUNDS; r++) for (const m of modes) await round(m);
  const baseline = await tearDown(modes[0]!);
  const app = await tearDown(modes[1]!);
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "-");
  const row = (r: typeof app) =>
    [
      r.mode.padEnd(26),
      f(r.publish, 2).padStart(9),
      f(r.p50, 2).padStart(8),
      f(r.p99, 2).padStart(8),
      f(r.max, 2).padStart(8),
      f(r.perSecond, 0).padStart(10),
      `${r.delivered}/${r.expected}`.padStart(16),
      String(r.outOfOrder).padStart(6),
      f(r.rssPerWatcher, 2).padStart(9),
      f(r.heapPerWatcher, 2).padStart(9),
      f(r.connectSeconds).padStart(8),
    ].join(" ");
  console.log(
    `${"".padEnd(26)} ${"publish".padStart(9)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)} ${"msgs/s".padStart(10)} ${"delivered".padStart(16)} ${"order".padStart(6)} ${"RSS KiB".padStart(9)} ${"heap KiB".padStart(9)} ${"connect".padStart(8)}`,
  );
  console.log(row({ ...baseline, mode: "baseline: server.publish" }));
  console.log(row({ ...app, mode: "app: stock hub" }));
  console.log(
    `${"ratio app/baseline".padEnd(26)} ${f(app.publish / baseline.publish, 2).padStart(9)} ${f(app.p50 / baseline.p50, 2).padStart(8)} ${f(app.p99 / baseline.p99, 2).padStart(8)} ${f(app.max / baseline.max, 2).padStart(8)} ${f(app.perSecond / baseline.perSecond, 2).padStart(10)}`,
  );
  console.log(
    "(publish: server ms per change in the publish call, the app's own work; latency commit to receipt and msgs/s: medians over the rounds; KiB: server memory per connected watcher)",
  );
  console.log(
    `Load average (1 min) at the start ${loadStart.toFixed(2)}, at the end ${loadavg()[0]!.toFixed(2)}`,
  );
  const p99ok = app.p99 < 50;
  const memOk = app.rssPerWatcher < 10;
  console.log(
    `Targets: p99 < 50 ms: ${p99ok ? "met" : "MISSED"} (${f(app.p99, 2)} ms); < 10 KiB per watcher: ${memOk ? "met" : "MISSED"} (${f(app.rssPerWatcher, 2)} KiB RSS)`,
  );
  if (app.outOfOrder > 0) {
    console.error(`${app.outOfOrder} messages arrived out of version order`);
    process.exit(1);
  }
}

const role = option("role");
if (role === "server") await runServer(option("mode") === "app" ? "app" : "baseline");
else if (role === "clients") await runClients(option("url")!, WATCHERS);
else await main();
