/**
 * What the Worker and its Durable Objects build from the bindings: the deps (checked with zod once per
 * isolate; a bad value is a ConfigError naming the variable, never its value), the services and the app.
 */
import { createApp } from "../app.ts";
import { ConfigError } from "../config.ts";
import { type Deps, type Logger, logMailer, systemClock, withTraceIds } from "../deps.ts";
import { logMetrics } from "../metrics.ts";
import { paymentProviderFrom } from "../modules/orders/payment-providers/index.ts";
import { buildServices, type Services } from "../services.ts";
import { createStockEventBus } from "../stock/events.ts";
import { asyncTraceScope } from "./trace-scope.ts";
import { turnstileCheck } from "./turnstile.ts";
import { createWebCryptoPasswords, PBKDF2_MAX_ITERATIONS } from "./webcrypto-passwords.ts";
import { workerDocsAssets } from "./worker-docs-assets.ts";
import { openWorkerDatabase, parseWorkerEnv, type WorkerEnv, workerLogger } from "./worker-env.ts";
import { durableCustomerSockets } from "./worker-notification-sockets.ts";
import { createDurableRateLimiter } from "./worker-rate-limiter.ts";
import { durableQueueAlarms } from "./worker-release-queue-alarms.ts";
import { createDurableStockCoordinator } from "./worker-stock-coordinator.ts";
import { durableSpiritWatchers } from "./worker-stock-sockets.ts";

export type Built =
  | { deps: Deps; app: ReturnType<typeof createApp>; services: Services }
  | { error: ConfigError };

export type Ready = Extract<Built, { deps: Deps }>;

// The env object lives as long as the isolate: build once per env.
const built = new WeakMap<object, Built>();

function passwordsFor(logger: Logger) {
  return createWebCryptoPasswords({
    maxIterations: PBKDF2_MAX_ITERATIONS,
    onUnsupported: (algorithm) =>
      logger.log("warn", {
        msg: "password hash cannot be verified on Workers",
        algorithm,
        hint: "argon2id needs Bun; hash with PASSWORD_HASH=pbkdf2-sha256 on Bun, or reset the password",
      }),
  });
}

/**
 * `queueAlarms: false` leaves the queues' timer out: the release's own object builds its deps so, since it
 * sets its alarm itself after each run rather than calling itself.
 */
function buildWorkerDeps(env: WorkerEnv, options: { queueAlarms: boolean }): Deps {
  const parsed = parseWorkerEnv(env);
  const { stockNamespace, rateLimitNamespace, notificationNamespace, queueNamespace } = parsed;
  // No in-isolate read cache: another isolate's write (a hold in a spirit's Durable Object, a catalog
  // edit) never reaches this isolate's memory, so a cached stock figure could be served stale. The HTTP
  // caching headers (ETag, 304, short max-age) still apply; see the README's "HTTP caching".
  const config = { ...parsed.config, READ_CACHE_MS: 0 };
  const database = openWorkerDatabase(config);
  const traces = asyncTraceScope();
  const logger = withTraceIds(workerLogger(config), traces);
  return {
    config,
    ...database,
    clock: systemClock,
    passwords: passwordsFor(logger),
    logger,
    traces,
    // No scrape endpoint on Workers: each count is a structured log line (`msg: "metric"`), for Workers
    // Logs or Logpush to sum. Database calls are not timed here (a line per query would drown the rest).
    metrics: logMetrics(logger),
    // Broadcasts happen in the spirits' Durable Objects; this isolate's bus only serves in-process listeners.
    stockEvents: createStockEventBus((err) =>
      logger.log("error", { msg: "stock listener failed", err: String(err) }),
    ),
    stock: createDurableStockCoordinator({
      namespace: stockNamespace,
      client: database.client,
      clock: systemClock,
      logger,
      traces,
    }),
    // One RateLimitObject per key: every isolate counts against the same budgets.
    rateLimiter: createDurableRateLimiter(
      (key) => rateLimitNamespace.get(rateLimitNamespace.idFromName(key)),
      systemClock,
      logger,
    ),
    payments: paymentProviderFrom(config),
    ...(config.TURNSTILE_SECRET ? { humanCheck: turnstileCheck(config.TURNSTILE_SECRET) } : {}),
    clientAddress: (request) => request.headers.get("CF-Connecting-IP") ?? undefined,
    // No SMTP from a Worker (no TCP to a mail server without nodejs_compat): account and notification
    // e-mails become log lines, as on Bun without SMTP_URL (links redacted in production). An HTTP mail
    // API would be a Mailer of its own here.
    mailer: logMailer(logger, { redactLinks: config.NODE_ENV === "production" }),
    docsAssets: workerDocsAssets,
    // Watchers live in the spirits' Durable Objects; there is no in-isolate WebSocket port (deps.sockets).
    spiritWatchers: durableSpiritWatchers(stockNamespace),
    // Customers' notification sockets live in Durable Objects (a shard of customers each), hibernating.
    customerSockets: durableCustomerSockets(notificationNamespace, logger),
    ...(options.queueAlarms ? { queueAlarms: durableQueueAlarms(queueNamespace) } : {}),
  };
}

/** The isolate's deps, services and app, built once per env (a bad configuration: its ConfigError). */
export function setup(env: WorkerEnv): Built {
  let entry = built.get(env);
  if (!entry) {
    try {
      const deps = buildWorkerDeps(env, { queueAlarms: true });
      // One set of services (and caches) for the isolate's requests and its cron jobs.
      const services = buildServices(deps);
      entry = { deps, app: createApp(deps, services), services };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      console.error(
        JSON.stringify({ level: "error", msg: "invalid Worker configuration", problems: err.problems }),
      );
      entry = { error: err };
    }
    built.set(env, entry);
  }
  return entry;
}

/** Deps and services for a release's queue object: the Worker's, without the queues' timer (itself). */
export function queueObjectServices(env: WorkerEnv): { deps: Deps; services: Services } {
  const deps = buildWorkerDeps(env, { queueAlarms: false });
  return { deps, services: buildServices(deps) };
}
