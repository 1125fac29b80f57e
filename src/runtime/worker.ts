/**
 * Cloudflare Workers entry: the same app as on Bun (createApp), over Turso/libSQL through HTTP, with one
 * Durable Object per spirit as the stock coordinator (SpiritStockObject) and one per rate-limit key for
 * the budgets all isolates share (RateLimitObject), both exported below for wrangler.
 *
 * Deps are built once per isolate from the bindings (checked with zod: a bad value answers every request
 * with a problem+json 500 and logs which variable is wrong, never its value). Cron triggers do what the
 * Bun entry's timers do (worker-crons.ts): every minute, lapsed holds, expired orders, due pre-orders,
 * ballots and queues moving on, and recommendation refreshes (the objects' alarms release holds on time; this is the net under them);
 * hourly, the idempotency-key purge; nightly, the stock audit.
 */
import { createApp } from "../app.ts";
import { ConfigError } from "../config.ts";
import { type Deps, type Logger, logMailer, systemClock, withTraceIds } from "../deps.ts";
import { purgeIdempotencyKeys } from "../http/idempotency.ts";
import { PROBLEM_TYPE_BASE } from "../http/problem.ts";
import { logMetrics } from "../metrics.ts";
import { paymentProviderFrom } from "../modules/orders/payment-providers/index.ts";
import type { ProblemCode } from "../problem-codes.ts";
import { buildServices, type Services } from "../services.ts";
import { createStockEventBus } from "../stock/events.ts";
import { asyncTraceScope } from "./trace-scope.ts";
import { turnstileCheck } from "./turnstile.ts";
import { createWebCryptoPasswords, PBKDF2_MAX_ITERATIONS } from "./webcrypto-passwords.ts";
import { CRON_EVERY_MINUTE, CRON_HOURLY, CRON_NIGHTLY } from "./worker-crons.ts";
import { workerDocsAssets } from "./worker-docs-assets.ts";
import {
  type EventsNudge,
  openWorkerDatabase,
  parseWorkerEnv,
  type WorkerEnv,
  workerLogger,
} from "./worker-env.ts";
import { drainEvents, nudgeAfter } from "./worker-events.ts";
import { createDurableRateLimiter } from "./worker-rate-limiter.ts";
import { createDurableStockCoordinator } from "./worker-stock-coordinator.ts";
import { durableSpiritWatchers } from "./worker-stock-sockets.ts";

export { SpiritStockObject } from "../stock/spirit-stock-object.ts";
export { RateLimitObject } from "./worker-rate-limit-object.ts";

type Built = { deps: Deps; app: ReturnType<typeof createApp>; services: Services } | { error: ConfigError };

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

type Ready = Extract<Built, { deps: Deps }>;

const CRON_JOBS: Record<string, (entry: Ready) => Promise<Record<string, unknown>>> = {
  async [CRON_EVERY_MINUTE]({ services }) {
    const stock = await services.orders.expireDue();
    // After the reaper, so that bottles of winners who did not pay pass to the next entries at once.
    const ballots = await services.ballots.settleDue();
    // Queues open, expire unused admissions and admit the next in line (a minute apart on Workers).
    const queues = await services.queues.advanceDue();
    // Lapsed waitlist offers pass on, and freed bottles go to the next entries in line.
    const waitlists = await services.waitlists.advanceDue();
    const recommendations = await services.recommendations.drain({});
    // The fallback under the events queue: whatever no nudge woke the dispatcher for.
    const events = await drainEvents(services);
    const provenanceSealed = await services.provenance.sealPending();
    const auditSealed = await services.audit.seal();
    return {
      ...stock,
      ...ballots,
      ...queues,
      ...waitlists,
      recommendations,
      ...events,
      provenanceSealed,
      auditSealed,
    };
  },
  async [CRON_HOURLY]({ deps }) {
    return { idempotencyKeysPurged: await purgeIdempotencyKeys(deps) };
  },
  async [CRON_NIGHTLY]({ services }) {
    const audit = await services.inventory.runAudit("scheduled", null);
    const checkpoint = (await services.provenance.canSign())
      ? await services.provenance.createCheckpoint()
      : null;
    return { auditId: audit.id, clean: audit.clean, provenanceCheckpoint: checkpoint?.id ?? null };
  },
};

// Only handlers and classes may be exported from a Worker's main module.
function buildWorkerDeps(env: WorkerEnv): Deps {
  const parsed = parseWorkerEnv(env);
  const { stockNamespace, rateLimitNamespace } = parsed;
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
  };
}

function setup(env: WorkerEnv): Built {
  let entry = built.get(env);
  if (!entry) {
    try {
      const deps = buildWorkerDeps(env);
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

function misconfigured(error: ConfigError): Response {
  const body = {
    type: `${PROBLEM_TYPE_BASE}misconfigured`,
    code: "misconfigured" satisfies ProblemCode,
    title: "Server misconfigured",
    status: 500,
    detail: `The Worker's configuration is invalid (${error.problems.length} problem(s), see its logs).`,
  };
  return new Response(JSON.stringify(body), {
    status: 500,
    headers: { "Content-Type": "application/problem+json" },
  });
}

export default {
  async fetch(request, env, ctx) {
    const entry = setup(env);
    if ("error" in entry) return misconfigured(entry.error);
    const response = await entry.app.fetch(request, env, ctx);
    nudgeAfter(request, response, env, ctx);
    return response;
  },

  // EVENTS_QUEUE's consumer: each batch of nudges is one catch-up of the outbox; a failure retries the batch.
  async queue(batch, env) {
    const entry = setup(env);
    if ("error" in entry) throw entry.error;
    const done = await drainEvents(entry.services);
    batch.ackAll();
    entry.deps.logger.log("debug", { msg: "events queue", nudges: batch.messages.length, ...done });
  },

  // The work the Bun entry's timers do, on wrangler.toml's cron triggers.
  async scheduled(controller, env) {
    const entry = setup(env);
    if ("error" in entry) throw entry.error;
    const job = CRON_JOBS[controller.cron];
    if (!job) {
      entry.deps.logger.log("warn", { msg: "cron trigger with no job", cron: controller.cron });
      return;
    }
    const done = await job(entry);
    entry.deps.logger.log("info", { msg: "cron", cron: controller.cron, ...done });
  },
} satisfies ExportedHandler<WorkerEnv, EventsNudge>;
