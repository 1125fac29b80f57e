import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { openLocalDatabase } from "../../src/db/local.ts";
import type { Role } from "../../src/db/schema/accounts.ts";
import { timeClient } from "../../src/db/timed-client.ts";
import type { Clock, Deps, Logger } from "../../src/deps.ts";
import { withFrontCache } from "../../src/http/front-cache.ts";
import { createMemoryRateLimiter } from "../../src/http/rate-limit.ts";
import { bundledSwaggerUi } from "../../src/modules/docs/bundled-swagger-ui.ts";
import { paymentProviderFrom } from "../../src/modules/orders/payment-providers/index.ts";
import { bunHmacSha256 } from "../../src/runtime/bun-hmac.ts";
import { bunPasswords } from "../../src/runtime/bun-passwords.ts";
import { buildServices } from "../../src/services.ts";
import { prepareDatabase } from "../../src/startup.ts";
import { createStockEventBus } from "../../src/stock/events.ts";
import { createLocalStockCoordinator } from "../../src/stock/local-coordinator.ts";
import { TEST_PROVENANCE_KEY } from "./test-keys.ts";

/** A clock tests can move: starts at a fixed instant unless told otherwise. */
export class TestClock implements Clock {
  constructor(private current = new Date("2026-06-01T12:00:00.000Z")) {}
  now() {
    return new Date(this.current);
  }
  set(date: Date | string) {
    this.current = new Date(date);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const silentLogger: Logger & { lines: Record<string, unknown>[] } = {
  lines: [],
  log(_level, fields) {
    silentLogger.lines.push(fields);
    if (silentLogger.lines.length > 1000) silentLogger.lines.splice(0, 500);
  },
};

export type TestAppOptions = {
  env?: Record<string, string>;
  clock?: Clock;
  /** Load the demo catalog (off by default so tests start from an empty catalog). */
  seedDemo?: boolean;
  /** Runtime pieces to add or replace (e.g. `sockets` for a test on a real Bun.serve). */
  deps?: Partial<Deps>;
  /** Serve through the Bun server's front cache (src/http/front-cache.ts), as src/runtime/bun.ts does. */
  frontCache?: boolean;
};

/** A whole app over a fresh libSQL file in a temporary folder, migrated, with helpers to sign in. */
export async function createTestApp(options: TestAppOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), "angelshare-test-"));
  const config = parseConfig({
    NODE_ENV: "test",
    DATABASE_URL: `file:${join(dir, "test.db")}`,
    JWT_SECRET: "test-secret-that-is-long-enough-0123456789",
    PROVENANCE_SIGNING_KEY: TEST_PROVENANCE_KEY,
    LOG_LEVEL: "silent",
    SEED_DEMO: options.seedDemo ? "true" : "false",
    SEED_GENERATED_SPIRITS: "0",
    // In-process requests all count as one client on a clock that stands still: tests opt in to the limit.
    RATE_LIMIT_PER_MINUTE: "0",
    ORDERS_PER_MINUTE_ACCOUNT: "0",
    ORDERS_PER_MINUTE_CLIENT: "0",
    ...options.env,
  });
  const clock = options.clock ?? new TestClock();
  // The server's WAL checkpoints (a background thread) unless a test asks for WAL_CHECKPOINT=inline.
  const database = await openLocalDatabase(config.DATABASE_URL, undefined, {
    walCheckpoint: config.WAL_CHECKPOINT,
    logger: silentLogger,
  });
  // A test that brings a metrics registry gets the database and the stock engine counted into it too.
  const metrics = options.deps?.metrics;
  if (metrics) timeClient(database.client, metrics);
  const stockEvents = createStockEventBus((err) => {
    throw err;
  });
  const deps: Deps = {
    config,
    ...database,
    clock,
    passwords: bunPasswords,
    hmacSha256: bunHmacSha256,
    logger: silentLogger,
    stockEvents,
    stock: createLocalStockCoordinator({
      client: database.client,
      clock,
      events: stockEvents,
      logger: silentLogger,
      metrics,
    }),
    rateLimiter: createMemoryRateLimiter(clock),
    payments: paymentProviderFrom(config),
    docsAssets: bundledSwaggerUi,
    sharedReads: true,
    ...options.deps,
  };
  // One set of services for the start, the app and the helpers below, as a runtime has.
  const services = buildServices(deps);
  await prepareDatabase(deps, services);
  const app = createApp(deps, services);
  const fetch = options.frontCache
    ? withFrontCache(app.fetch, { ...deps, onSpiritChange: services.catalog.onSpiritChange })
    : app.fetch;
  /** `app.request` through `fetch` (the front cache when asked for). */
  const request = async (path: string, init?: RequestInit) =>
    fetch(new Request(new URL(path, "http://localhost"), init), undefined);
  let n = 0;

  /** Makes an account with the role and returns its id and a bearer header for it. */
  async function signIn(role: Role = "customer", email = `${role}-${++n}-${Date.now()}@example.test`) {
    const account = await services.accounts.createAccount({ email, role, name: `Test ${role}` });
    const { token } = await services.tokens.issueAccessToken(account.id, role, account.email);
    return { id: account.id, email: account.email, token, headers: { Authorization: `Bearer ${token}` } };
  }

  /** `app.request` with a JSON body and optional headers. */
  function call(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      headers["Content-Type"] ??= "application/json";
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    }
    return request(path, { method, headers, body });
  }

  return {
    app,
    fetch,
    request,
    deps,
    services,
    clock,
    signIn,
    call,
    close() {
      database.client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
