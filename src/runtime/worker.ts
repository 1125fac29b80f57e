/**
 * Cloudflare Workers entry: the same app as on Bun (createApp), over Turso/libSQL through HTTP, with one
 * Durable Object per spirit as the stock coordinator (SpiritStockObject), one per rate-limit key for
 * the budgets all isolates share (RateLimitObject), one per shard of customers holding their notification
 * sockets (NotificationSocketsObject) and one per queue release timing its waiting room
 * (ReleaseQueueObject), all exported below for wrangler.
 *
 * Deps are built once per isolate from the bindings (worker-setup.ts; checked with zod: a bad value answers
 * every request with a problem+json 500 and logs which variable is wrong, never its value). Cron triggers do what the
 * Bun entry's timers do (worker-crons.ts): every minute, lapsed holds, expired orders, due pre-orders,
 * ballots and queues moving on, and recommendation refreshes (the objects' alarms release holds on time; this is the net under them);
 * hourly, the idempotency-key purge; nightly, the stock audit.
 */
import type { ConfigError } from "../config.ts";
import { purgeIdempotencyKeys } from "../http/idempotency.ts";
import { PROBLEM_TYPE_BASE } from "../http/problem.ts";
import type { ProblemCode } from "../problem-codes.ts";
import { CRON_EVERY_MINUTE, CRON_HOURLY, CRON_NIGHTLY } from "./worker-crons.ts";
import type { EventsNudge, WorkerEnv } from "./worker-env.ts";
import { drainEvents, nudgeAfter } from "./worker-events.ts";
import { type Ready, setup } from "./worker-setup.ts";

export { SpiritStockObject } from "../stock/spirit-stock-object.ts";
export { NotificationSocketsObject } from "./worker-notification-object.ts";
export { RateLimitObject } from "./worker-rate-limit-object.ts";
export { ReleaseQueueObject } from "./worker-release-queue-object.ts";

const CRON_JOBS: Record<string, (entry: Ready) => Promise<Record<string, unknown>>> = {
  async [CRON_EVERY_MINUTE]({ services }) {
    const stock = await services.orders.expireDue();
    // After the reaper, so that bottles of winners who did not pay pass to the next entries at once.
    const ballots = await services.ballots.settleDue();
    // Queues open, expire unused admissions and admit the next in line: each queue release's object does
    // it on time with alarms; this is the net under them.
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
