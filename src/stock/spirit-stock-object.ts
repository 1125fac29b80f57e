/**
 * SpiritStockObject: the Workers stock coordinator for ONE spirit (`idFromName(spiritId)`).
 *
 * It runs the very coordinator Bun runs in-process (local-coordinator.ts: queue in arrival order, group
 * commit through the ledger's guarded batches, commit before answering), here with a single spirit and
 * the database reached over HTTP. A Durable Object keeps taking calls while it awaits the database, so
 * the callers that arrive during one batch queue up and commit together in the next.
 *
 * Around that: Durable Object alarms release lapsed holds on time (the cron in worker.ts is the safety
 * net), and the object broadcasts each committed change to the WebSockets it accepted with the
 * hibernation API, so idle watchers cost nothing and survive the object being evicted.
 */
import { DurableObject } from "cloudflare:workers";
import type { Client } from "@libsql/client";
import { systemClock, type TraceScope, withTraceIds } from "../deps.ts";
import { traceFromHeader } from "../http/trace-context.ts";
import { logMetrics } from "../metrics.ts";
import { asyncTraceScope } from "../runtime/trace-scope.ts";
import { openWorkerDatabase, parseWorkerEnv, type WorkerEnv, workerLogger } from "../runtime/worker-env.ts";
import type { SpiritOperation, StockCoordinator, StockOutcome } from "./coordinator.ts";
import { createStockEventBus, type StockChanged } from "./events.ts";
import { createLocalStockCoordinator } from "./local-coordinator.ts";
import { SPIRIT_HEADER, type SpiritSockets, spiritSockets } from "./spirit-stock-sockets.ts";

const SPIRIT_KEY = "spiritId";
/** Never wake up sooner than this after an alarm (a hold that lapsed a moment ago is released now). */
const MIN_ALARM_DELAY_MS = 250;

export class SpiritStockObject extends DurableObject<WorkerEnv> {
  private readonly client: Client;
  private readonly coordinator: StockCoordinator;
  private readonly sockets: SpiritSockets;
  private readonly traces: TraceScope = asyncTraceScope();
  private spiritId: string | undefined;
  private readonly wokeAt = new Date().toISOString();

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, env);
    const { config } = parseWorkerEnv(env);
    const logger = withTraceIds(workerLogger(config), this.traces);
    this.client = openWorkerDatabase(config).client;
    this.sockets = spiritSockets(ctx, logger, {
      perClient: config.STOCK_STREAMS_PER_CLIENT,
      perAccount: config.STOCK_STREAMS_PER_ACCOUNT,
    });
    const events = createStockEventBus((err) =>
      logger.log("error", { msg: "stock broadcast failed", err: String(err) }),
    );
    events.subscribeAll((event) => this.sockets.broadcast(event));
    this.coordinator = createLocalStockCoordinator({
      client: this.client,
      clock: systemClock,
      events,
      logger,
      metrics: logMetrics(logger),
    });
    ctx.blockConcurrencyWhile(async () => {
      this.spiritId = await ctx.storage.get<string>(SPIRIT_KEY);
    });
  }

  /**
   * Queues one operation on this spirit; answers once it is committed (or refused), never before.
   * `traceparent` is the calling request's (W3C): this object's log lines carry its trace id.
   */
  async submit(op: SpiritOperation, traceparent?: string): Promise<StockOutcome> {
    return this.traces.run(traceFromHeader(traceparent), () => this.submitTraced(op));
  }

  private async submitTraced(op: SpiritOperation): Promise<StockOutcome> {
    await this.claim(op.spiritId);
    const outcome = await this.coordinator.submit(op);
    if (outcome.ok && outcome.holds.length) {
      await this.wakeBy(Math.min(...outcome.holds.map((h) => Date.parse(h.expiresAt))));
    }
    return outcome;
  }

  /** After an order-wide batch touched this spirit: release what lapsed, then broadcast the state. */
  async refresh(spiritId: string, traceparent?: string): Promise<void> {
    return this.traces.run(traceFromHeader(traceparent), () => this.refreshTraced(spiritId));
  }

  private async refreshTraced(spiritId: string): Promise<void> {
    await this.claim(spiritId);
    await this.coordinator.submit({ type: "expire", spiritId });
    this.sockets.broadcast(await this.coordinator.snapshot(spiritId));
  }

  /** Releases the spirit's lapsed holds now; returns how many bottles went back. */
  async expire(spiritId: string): Promise<number> {
    await this.claim(spiritId);
    const outcome = await this.coordinator.submit({ type: "expire", spiritId });
    await this.scheduleNextExpiry();
    return outcome.ok ? outcome.released : 0;
  }

  /** The spirit's current state, as watchers see it. */
  async snapshot(spiritId: string): Promise<StockChanged> {
    await this.claim(spiritId);
    return this.coordinator.snapshot(spiritId);
  }

  override async alarm(): Promise<void> {
    const spiritId = this.spiritId;
    if (!spiritId) return;
    // A failure throws, and workerd retries the alarm with backoff.
    await this.coordinator.submit({ type: "expire", spiritId });
    await this.scheduleNextExpiry();
  }

  /** The WebSocket upgrade forwarded by the Worker's route (`stub.fetch`), after it authenticated the caller. */
  override async fetch(request: Request): Promise<Response> {
    const spiritId = request.headers.get(SPIRIT_HEADER);
    if (!spiritId) return new Response("The forwarded upgrade names no spirit.", { status: 400 });
    await this.claim(spiritId);
    return this.sockets.accept(request, () => this.coordinator.snapshot(spiritId));
  }

  /** Which spirit, how many watchers, when this instance woke (an eviction shows as a new time), next alarm. */
  async status(): Promise<{ spiritId?: string; watchers: number; wokeAt: string; alarmAt: string | null }> {
    const alarm = await this.ctx.storage.getAlarm();
    return {
      spiritId: this.spiritId,
      watchers: this.sockets.count(),
      wokeAt: this.wokeAt,
      alarmAt: alarm === null ? null : new Date(alarm).toISOString(),
    };
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    this.sockets.onMessage(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.sockets.onClose(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.sockets.onClose(ws, 1011, "error");
  }

  /** An object serves one spirit for ever: remembered on first use, and a call for another is a bug. */
  private async claim(spiritId: string) {
    if (this.spiritId === spiritId) return;
    if (this.spiritId !== undefined) {
      throw new Error(`SpiritStockObject of ${this.spiritId} was called for ${spiritId}`);
    }
    this.spiritId = spiritId;
    await this.ctx.storage.put(SPIRIT_KEY, spiritId);
  }

  /** Makes sure the alarm goes off no later than `at` (epoch ms). */
  private async wakeBy(at: number) {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) {
      await this.ctx.storage.setAlarm(Math.max(at, Date.now() + MIN_ALARM_DELAY_MS));
    }
  }

  private async scheduleNextExpiry() {
    const rs = await this.client.execute({
      sql: "SELECT min(expires_at) AS next FROM stock_holds WHERE spirit_id = ? AND status = 'active'",
      args: [this.spiritId ?? ""],
    });
    const next = rs.rows[0]?.next;
    if (next === null || next === undefined) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(Date.parse(String(next)), Date.now() + MIN_ALARM_DELAY_MS));
  }
}
