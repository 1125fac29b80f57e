/**
 * One suite, two targets: the same contract tests run against the app in-process on Bun (`app.request()`)
 * and against the Worker build in real workerd (`fetch()` to its local URL), with the same assertions.
 *
 *   describeTargets("catalog", (t) => {
 *     test("...", async () => {
 *       const staff = await t.signIn("staff");
 *       const res = await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body });
 *     });
 *   });
 *
 * registers `catalog [bun]` and `catalog [worker]`. Each target of a file gets its own fresh database; the
 * worker target starts one workerd per file (the bundle is built once per run). On the worker target,
 * `signIn`, `services` and `deps` reach the same database file through a Bun-side app (to make fixtures),
 * and the clock is the real one (a Worker has no test clock): tests that move time run on Bun only.
 * Passwords made there are PBKDF2 hashes, as on a Bun server that shares its database with a Worker.
 *
 * `TEST_TARGETS=bun` (or `worker`) limits a run to one target.
 */
import { afterAll, beforeAll, describe } from "bun:test";
import { systemClock } from "../../src/deps.ts";
import { createBunPasswords } from "../../src/runtime/bun-passwords.ts";
import { createTestApp, type TestApp, type TestAppOptions } from "./test-app.ts";
import { startWorkerRuntime, TEST_JWT_SECRET, type WorkerRuntime } from "./worker-runtime.ts";

export type TargetName = "bun" | "worker";

export type CallInit = { body?: unknown; headers?: Record<string, string> };

export interface Target {
  readonly name: TargetName;
  /** An HTTP request with an optional JSON body, to whichever runtime serves the app. */
  call(method: string, path: string, init?: CallInit): Promise<Response>;
  /** A raw request (any body, any method). */
  request(path: string, init?: RequestInit): Promise<Response>;
  signIn: TestApp["signIn"];
  /** In-process services over the same database (fixtures and inspection, not the system under test). */
  readonly services: TestApp["services"];
  readonly deps: TestApp["deps"];
  /** The workerd runtime (worker target only). */
  readonly worker: WorkerRuntime | undefined;
  /** An `http://` base URL a real client (WebSocket, fetch) can reach; the Bun target starts a server for it. */
  baseUrl(): Promise<string>;
  close(): Promise<void>;
}

export type TargetOptions = Omit<TestAppOptions, "clock"> & {
  /** Which targets the block runs on (default both, narrowed by TEST_TARGETS). */
  targets?: TargetName[];
};

function encode(init: CallInit = {}): RequestInit & { headers: Record<string, string> } {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers["Content-Type"] ??= "application/json";
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  }
  return { headers, body };
}

async function bunTarget(options: TargetOptions): Promise<Target> {
  const app = await createTestApp(options);
  let server: ReturnType<typeof Bun.serve> | undefined;
  return {
    name: "bun",
    call: async (method, path, init) => app.request(path, { method, ...encode(init) }),
    request: async (path, init) => app.request(path, init),
    signIn: app.signIn,
    services: app.services,
    deps: app.deps,
    worker: undefined,
    async baseUrl() {
      server ??= Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
      return `http://127.0.0.1:${server.port}`;
    },
    async close() {
      server?.stop(true);
      app.close();
    },
  };
}

async function workerTarget(options: TargetOptions): Promise<Target> {
  // The Bun-side app makes and migrates the database file, then serves fixtures; the Worker signs tokens
  // with the same secret, so tokens made here are the Worker's own. Real time on both sides.
  // Passwords hashed on the Bun side use PBKDF2, as a Bun server sharing its database with a Worker must
  // (PASSWORD_HASH=pbkdf2-sha256): a Worker cannot verify argon2id.
  const app = await createTestApp({
    ...options,
    clock: systemClock,
    env: { JWT_SECRET: TEST_JWT_SECRET, ...options.env },
    deps: { passwords: createBunPasswords("pbkdf2-sha256"), ...options.deps },
  });
  const databasePath = app.deps.config.DATABASE_URL.slice("file:".length);
  let worker: WorkerRuntime;
  try {
    worker = await startWorkerRuntime({ databasePath, vars: options.env });
  } catch (err) {
    app.close();
    throw err;
  }
  return {
    name: "worker",
    call: (method, path, init) => worker.fetch(path, { method, ...encode(init) }),
    request: (path, init) => worker.fetch(path, init),
    signIn: app.signIn,
    services: app.services,
    deps: app.deps,
    worker,
    baseUrl: async () => worker.url,
    async close() {
      await worker.close();
      app.close();
    },
  };
}

export async function openTarget(name: TargetName, options: TargetOptions = {}): Promise<Target> {
  return name === "bun" ? bunTarget(options) : workerTarget(options);
}

export function selectedTargets(wanted: TargetName[] = ["bun", "worker"]): TargetName[] {
  const only = process.env.TEST_TARGETS?.split(",").map((s) => s.trim());
  return only?.length ? wanted.filter((t) => only.includes(t)) : wanted;
}

/**
 * Registers `name [bun]` and `name [worker]` blocks; `body` gets a handle whose methods reach the target
 * of the block being run.
 */
export function describeTargets(name: string, body: (t: Target) => void, options: TargetOptions = {}) {
  for (const targetName of selectedTargets(options.targets)) {
    describe(`${name} [${targetName}]`, () => {
      let current: Target | undefined;
      const target = (): Target => {
        if (!current) throw new Error(`the ${targetName} target is not started`);
        return current;
      };
      beforeAll(async () => {
        current = await openTarget(targetName, options);
      }, 60_000);
      afterAll(async () => {
        await current?.close();
        current = undefined;
      });
      body({
        name: targetName,
        call: (method, path, init) => target().call(method, path, init),
        request: (path, init) => target().request(path, init),
        signIn: (...args) => target().signIn(...args),
        get services() {
          return target().services;
        },
        get deps() {
          return target().deps;
        },
        get worker() {
          return target().worker;
        },
        baseUrl: () => target().baseUrl(),
        close: async () => {},
      });
    });
  }
}

/**
 * Lets time pass between two requests: moves the Bun target's TestClock by `ms`, and on the Worker (real
 * time, no test clock) waits a few milliseconds, enough for timestamps to differ.
 */
export async function letTimePass(t: Target, ms: number): Promise<void> {
  const clock = t.deps.clock as { advance?: (ms: number) => void };
  if (t.name === "bun" && clock.advance) clock.advance(ms);
  else await Bun.sleep(5);
}

/** Today's date (YYYY-MM-DD) on the target's clock: the TestClock's on Bun, the real one on the Worker. */
export function todayOn(t: Target): string {
  return t.deps.clock.now().toISOString().slice(0, 10);
}
