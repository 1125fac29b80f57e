/**
 * Events on Workers: the outbox dispatcher and webhook sender (deliverEvents) run in the Worker's `queue`
 * handler, woken through the EVENTS_QUEUE binding by each request that may have committed a change (the
 * send goes in `ctx.waitUntil`, after the answer), and by the every-minute cron as the fallback. The queue
 * carries nudges, not events: the outbox keeps the order and the at-least-once positions, so a lost or
 * repeated nudge costs nothing but latency.
 */
import type { Services } from "../services.ts";
import { deliverEvents } from "./event-work.ts";
import type { EventsNudge, WorkerEnv } from "./worker-env.ts";

/** A request that may have written (not a read, not refused): wake the dispatcher once it has answered. */
export function nudgeAfter(request: Request, response: Response, env: WorkerEnv, ctx: ExecutionContext) {
  if (!env.EVENTS_QUEUE || request.method === "GET" || request.method === "HEAD" || response.status >= 400)
    return;
  const nudge: EventsNudge = { kind: "outbox", at: new Date().toISOString() };
  ctx.waitUntil(
    env.EVENTS_QUEUE.send(nudge).catch((err) => console.error("events nudge failed", String(err))),
  );
}

/** Runs event work until it has caught up (bounded: a Worker invocation has a time limit). */
export async function drainEvents(services: Services, rounds = 10) {
  let handled = 0;
  let attempted = 0;
  for (let i = 0; i < rounds; i++) {
    const r = await deliverEvents(services);
    handled += r.consumers.reduce((n, c) => n + c.handled, 0);
    attempted += r.webhooks.attempted;
    if (!r.more) break;
  }
  return { eventsHandled: handled, webhookAttempts: attempted };
}
