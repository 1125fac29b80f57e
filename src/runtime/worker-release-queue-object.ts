/**
 * ReleaseQueueObject: the timer of ONE queue release's waiting room on Workers (`idFromName(releaseId)`).
 *
 * The queue's state stays in the database (queue-advance.ts: guarded writes, safe to repeat from anywhere),
 * so this object keeps only its release id and an alarm. It is woken (`wake`) when the release is made or
 * its opening moves, and when a run elsewhere admits someone; its alarm runs the very advance step the
 * minute cron runs, then sets itself for the next deadline the database shows (the opening, the first
 * admission to expire, the close). A restart or an eviction loses no one: the alarm is durable, and the
 * cron advances every open queue anyway.
 */
import { DurableObject } from "cloudflare:workers";
import type { Deps } from "../deps.ts";
import type { Services } from "../services.ts";
import type { EventsNudge, WorkerEnv } from "./worker-env.ts";
import { queueObjectServices } from "./worker-setup.ts";

const RELEASE_KEY = "releaseId";
/** Never wake up sooner than this (a deadline that passed a moment ago is handled now). */
const MIN_ALARM_DELAY_MS = 100;

export class ReleaseQueueObject extends DurableObject<WorkerEnv> {
  private releaseId: string | undefined;
  private built: { deps: Deps; services: Services } | undefined;

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.releaseId = await ctx.storage.get<string>(RELEASE_KEY);
    });
  }

  /** Makes sure the alarm goes off at `at` (ISO-8601) or sooner. */
  async wake(releaseId: string, at: string): Promise<void> {
    await this.claim(releaseId);
    await this.alarmBy(Date.parse(at));
  }

  /** The release, and when the alarm goes off next (null: none set). */
  async status(): Promise<{ releaseId?: string; alarmAt: string | null }> {
    const alarm = await this.ctx.storage.getAlarm();
    return { releaseId: this.releaseId, alarmAt: alarm === null ? null : new Date(alarm).toISOString() };
  }

  override async alarm(): Promise<void> {
    const releaseId = this.releaseId;
    if (!releaseId) return;
    this.built ??= queueObjectServices(this.env);
    const { services, deps } = this.built;
    // A failure throws, and workerd retries the alarm with backoff.
    const done = await services.queues.advance(releaseId);
    const next = await services.queues.nextDeadline(releaseId);
    deps.logger.log("debug", { msg: "queue alarm", releaseId, ...done, next });
    // Admissions are news in the inbox too (release.admitted in the outbox): wake the dispatcher now, as a
    // request that wrote would, rather than leave them to the minute cron.
    if (done.admitted > 0 && this.env.EVENTS_QUEUE) {
      const nudge: EventsNudge = { kind: "outbox", at: new Date().toISOString() };
      await this.env.EVENTS_QUEUE.send(nudge).catch((err) =>
        deps.logger.log("warn", { msg: "events nudge failed", err: String(err) }),
      );
    }
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(Date.parse(next), Date.now() + MIN_ALARM_DELAY_MS));
  }

  /** An object serves one release for ever: remembered on first use, and a call for another is a bug. */
  private async claim(releaseId: string) {
    if (this.releaseId === releaseId) return;
    if (this.releaseId !== undefined) {
      throw new Error(`ReleaseQueueObject of ${this.releaseId} was called for ${releaseId}`);
    }
    this.releaseId = releaseId;
    await this.ctx.storage.put(RELEASE_KEY, releaseId);
  }

  private async alarmBy(at: number) {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) {
      await this.ctx.storage.setAlarm(Math.max(at, Date.now() + MIN_ALARM_DELAY_MS));
    }
  }
}
