// Bun entry: builds the deps for a single server on the embedded libSQL file and serves the app.
import { lookup } from "node:dns/promises";
import { Hono } from "hono";
import { createApp } from "../app.ts";
import type { AppEnv } from "../app-env.ts";
import { ConfigError, parseConfig } from "../config.ts";
import { openLocalDatabase } from "../db/local.ts";
import { type Deps, jsonLogger, logMailer, systemTimers } from "../deps.ts";
import { handleError } from "../http/errors.ts";
import { withFrontCache } from "../http/front-cache.ts";
import { purgeIdempotencyKeys } from "../http/idempotency.ts";
import { bundledSwaggerUi } from "../modules/docs/bundled-swagger-ui.ts";
import { startDispatchLoop } from "../modules/events/dispatch-loop.ts";
import { metricsRouter } from "../modules/metrics/index.ts";
import { startRecommendationWorker } from "../modules/recommendations/index.ts";
import { buildServices } from "../services.ts";
import { prepareDatabase } from "../startup.ts";
import { createReaper, everyDayAt } from "../stock/reaper.ts";
import { createBunSockets } from "./bun-sockets.ts";
import { withDevJwtSecret, withDevProvenanceKey } from "./dev-keys.ts";
import { deliverEvents } from "./event-work.ts";
import { localDeps } from "./local-deps.ts";
import { smtpMailer } from "./smtp-mailer.ts";

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

config = await withDevProvenanceKey(config, jsonLogger(config.LOG_LEVEL));
// The same development secret as `npm run token` on this data directory, so its tokens are accepted.
const devJwt = withDevJwtSecret(config);
config = devJwt.config;
const database = await openLocalDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN, {
  walCheckpoint: config.WAL_CHECKPOINT,
  logger: jsonLogger(config.LOG_LEVEL),
});
const sockets = createBunSockets({ backlogBytes: config.STOCK_STREAM_BACKLOG_BYTES });
const localParts = localDeps(config, database);
const { logger } = localParts;
// E-mail through the SMTP server when one is configured; on a single box without one, log lines.
const smtp = config.SMTP_URL ? smtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM }) : undefined;
const deps: Deps = {
  ...localParts,
  clientAddress: (request, env) => (env as Bun.Server<unknown> | undefined)?.requestIP?.(request)?.address,
  docsAssets: bundledSwaggerUi,
  // Through the SMTP server when one is configured; on a single box without one, log lines.
  mailer: smtp ?? logMailer(logger, { redactLinks: config.NODE_ENV === "production" }),
  sockets: sockets.port,
  sharedReads: true,
  // Webhook URLs are checked against what their host resolves to (SSRF guard).
  resolveHost: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
};
// One set of services (and caches) for the start, the requests and the in-process jobs below.
const services = buildServices(deps);
await prepareDatabase(deps, services);
const app = createApp(deps, services);
// The search's in-memory copy of the index is loaded before the port opens (about a second at 100,000
// spirits), so no first search waits for it. Should it fail, the first search loads it instead.
await services.search.warm().catch((err) =>
  logger.log("warn", {
    msg: "search warm-up failed; the first search will load the index",
    err: String(err),
  }),
);

// In-process timers of a single server: the hold reaper (lapsed holds back on sale within a second,
// pre-orders released on their date) and the daily stock audit at 03:00 UTC.
const reportFailure = (what: string) => (err: unknown) =>
  logger.log("error", { msg: `${what} failed`, err: String(err) });
const reaper = createReaper({
  clock: deps.clock,
  nextDueAt: services.orders.nextDueAt,
  run: services.orders.expireDue,
  subscribe: (wake) => deps.stock.onHoldsPlaced(wake),
  onError: reportFailure("hold reaper"),
});
reaper.start();
const stopDailyAudit = everyDayAt(
  3,
  deps.clock,
  () => services.inventory.runAudit("scheduled", null),
  reportFailure("daily stock audit"),
);
// Bottle provenance and the audit log: appended entries are hash-sealed within seconds, and every bottle's
// chain head goes into a signed checkpoint each night.
const provenanceSealing = setInterval(
  () =>
    Promise.all([services.provenance.sealPending(), services.audit.seal()]).catch(
      reportFailure("provenance and audit sealing"),
    ),
  5_000,
);
const stopDailyCheckpoint = everyDayAt(
  3,
  deps.clock,
  async () => {
    if (await services.provenance.canSign()) await services.provenance.createCheckpoint();
  },
  reportFailure("daily provenance checkpoint"),
);
// Ballots are drawn within seconds of their close, and unpaid winners' bottles pass down the draw order
// as soon as the reaper has expired their orders.
const ballotSettling = setInterval(
  () => services.ballots.settleDue().catch(reportFailure("ballot settling")),
  10_000,
);
// Queue releases open on time (the early arrivals shuffled), and admissions not used in time, or whose
// orders lapsed, pass to the next in line within seconds.
const queueAdvancing = setInterval(
  () => services.queues.advanceDue().catch(reportFailure("queue advancing")),
  5_000,
);
// Waitlist offers not paid in time pass to the next entry, and freed bottles are offered, within seconds.
const waitlistAdvancing = setInterval(
  () => services.waitlists.advanceDue().catch(reportFailure("waitlist advancing")),
  5_000,
);
// Idempotency keys live 24 hours; reads already ignore older ones, so this hourly purge only frees disk.
const idempotencyPurge = setInterval(
  () => purgeIdempotencyKeys(deps).catch(reportFailure("idempotency key purge")),
  60 * 60 * 1000,
);
// Recommendations are computed off the request path: this job drains the refresh queue signals fill.
const recommendationWorker =
  config.RECOMMENDATIONS_REFRESH_INTERVAL > 0
    ? startRecommendationWorker(services.recommendations, {
        intervalMs: config.RECOMMENDATIONS_REFRESH_INTERVAL * 1000,
        logger,
      })
    : undefined;
// The outbox's dispatcher: events reach their consumers (webhooks, notifications) at least once.
const eventDispatcher = startDispatchLoop({
  dispatch: () => deliverEvents(services),
  intervalMs: config.EVENTS_DISPATCH_INTERVAL_MS,
  timers: deps.timers ?? systemTimers,
  logger,
});

const server = Bun.serve({
  port: config.PORT,
  hostname: config.HOST,
  // Anonymous spirit reads answered from stored bytes ahead of the app (off with READ_CACHE_MS=0).
  fetch: withFrontCache(app.fetch, { ...deps, onSpiritChange: services.catalog.onSpiritChange }),
  websocket: sockets.websocket,
});
sockets.attach(server);
// METRICS_PORT: /metrics on a listener of its own (bind it where only the scraper reaches), nothing else.
const metricsServer =
  config.METRICS_PORT === undefined
    ? undefined
    : Bun.serve({
        port: config.METRICS_PORT,
        hostname: config.METRICS_HOST,
        fetch: new Hono<AppEnv>()
          .use("*", async (c, next) => {
            c.set("deps", deps);
            c.set("services", services);
            await next();
          })
          .route("/", metricsRouter({ dedicatedPort: true }))
          .onError(handleError).fetch,
      });
if (metricsServer) console.log(`Metrics on http://${metricsServer.hostname}:${metricsServer.port}/metrics`);
const base = `http://${server.hostname}:${server.port}`;
console.log(
  `Angel's Share API on ${base}/api/v1  (docs: ${base}/docs, OpenAPI: ${base}/api/v1/openapi.json)`,
);
if (devJwt.file) {
  console.log(`JWT_SECRET is not set: tokens are signed with the development secret in ${devJwt.file}.`);
} else if (!config.JWT_SECRET && !config.JWT_PRIVATE_KEY) {
  console.log("JWT_SECRET is not set: tokens are signed with a random key and die with this process.");
}

const shutdown = async () => {
  server.stop();
  metricsServer?.stop();
  stopDailyAudit();
  stopDailyCheckpoint();
  clearInterval(provenanceSealing);
  clearInterval(ballotSettling);
  clearInterval(queueAdvancing);
  clearInterval(waitlistAdvancing);
  clearInterval(idempotencyPurge);
  await reaper.stop();
  await recommendationWorker?.stop();
  await eventDispatcher.stop();
  await deps.stock.close();
  smtp?.close();
  database.client.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
