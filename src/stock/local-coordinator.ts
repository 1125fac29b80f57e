/**
 * The in-process stock coordinator (Bun, one server): one queue per spirit, operations taken in arrival
 * order, and group commit.
 *
 * How a group runs:
 *  1. Everything queued for the spirit (up to `maxGroup`) is taken as one group; what arrives while the
 *     group commits waits for the next one, so a drop with thousands of buyers costs a few batches.
 *  2. One read snapshot of the spirit (levels, lapsed holds, the group's customers' totals), except for a
 *     group of new holds while no hold can have lapsed: that one plans from the levels its last commit
 *     read back, and reads only if the plan refuses anyone (last-commit.ts).
 *  3. Lapsed holds are expired first, then each operation is planned in arrival order against the state
 *     the earlier ones leave (planner.ts): it becomes a guarded unit, or a refusal (sold out, over the
 *     limit, stale version) that writes nothing.
 *  4. All units commit in ONE atomic batch where each unit succeeds or fails on its own (ledger.ts), and
 *     the same batch reads back the spirit's state for the stock message.
 *  5. Only then does anyone get an answer, and the stock message is published (its version only grows).
 *
 * The plan is a prediction; the guards in the database decide. If a guard refuses a unit the plan thought
 * fine (someone wrote the spirit's stock outside this queue, e.g. a ship or a second process on the same
 * database), that operation and any refusal planned after such a surprise go back to the head of the
 * queue and are planned again from fresh state (a few times at most). If the batch fails as a whole (a
 * CHECK constraint caught what a guard missed), nothing was written and the units commit one by one, so
 * one bad operation cannot fail the others.
 */
import type { Client } from "@libsql/client";
import { nextTurn } from "../db/coalesce.ts";
import type { Clock, Logger, Metrics } from "../deps.ts";
import { commitCounts } from "./bulk-count.ts";
import type {
  OrderHold,
  OrderStockRequest,
  SpiritOperation,
  StockCoordinator,
  StockOutcome,
  StockRefusal,
  StockRefusalCode,
} from "./coordinator.ts";
import type { StockChanged, StockEventBus } from "./events.ts";
import { commitGroup, expiredHoldsCommitted, type GroupOutcome } from "./group-commit.ts";
import { availableAsOf, type LastCommits, planStateFrom, rememberCommit } from "./last-commit.ts";
import { readSnapshot, type Unit } from "./ledger.ts";
import {
  cancelOrderStock,
  confirmOrderStock,
  type OrderCommit,
  readOrderStock,
  shipOrderStock,
} from "./order-stock.ts";
import { levelChanges, type Plan, type Planned, planExpiries, planOperation, refuse } from "./planner.ts";
import { readSpiritState, type SpiritState, snapshotFrom, snapshotReads } from "./spirit-state.ts";

type Job = {
  op: SpiritOperation;
  attempts: number;
  /** Publish the spirit's state after this group even if nothing in it wrote (after an order-wide change). */
  refresh?: boolean;
  resolve: (o: StockOutcome) => void;
  reject: (err: unknown) => void;
};

type Queue = { jobs: Job[]; running: boolean };

export type LocalCoordinatorOptions = {
  client: Client;
  clock: Clock;
  events: StockEventBus;
  logger?: Logger;
  /** Queue depth, group sizes, commit times, holds placed and lapsed, refusals by reason. */
  metrics?: Metrics;
  /** Most operations committed in one batch (bounds the time one batch holds the write lock). */
  maxGroup?: number;
  /** How often an operation is planned again after the database disagreed with the plan. */
  maxAttempts?: number;
};

const REASON_CODES: Record<string, StockRefusalCode> = {
  "sold-out": "sold-out",
  "insufficient-stock": "insufficient-stock",
  "limit-exceeded": "limit-exceeded",
  "allocation-exhausted": "allocation-exhausted",
  "stale-version": "stale-version",
  "below-reserved": "below-reserved",
  "serials-taken": "serials-taken",
  "hold-expired": "hold-expired",
};

const isRefusal = (p: Plan): p is StockRefusal => "ok" in p && p.ok === false;

export function createLocalStockCoordinator(options: LocalCoordinatorOptions): StockCoordinator {
  const { client, clock, events, logger, metrics } = options;
  const maxGroup = options.maxGroup ?? 256;
  const maxAttempts = options.maxAttempts ?? 4;
  const queues = new Map<string, Queue>();
  const running = new Set<Promise<void>>();
  const lastPublished = new Map<string, number>();
  const holdListeners = new Set<(expiresAt: string) => void>();
  /** Per spirit, what its last commit left (last-commit.ts). */
  const known: LastCommits = new Map();
  let closed = false;
  /** Operations waiting in all queues (the queue-depth gauge). */
  let queued = 0;
  const queueDepth = (delta: number) => {
    queued += delta;
    metrics?.set("angelshare_stock_queue_depth", queued);
  };

  function publish(event: StockChanged) {
    if (event.version <= (lastPublished.get(event.spiritId) ?? -1)) return;
    lastPublished.set(event.spiritId, event.version);
    try {
      events.publish(event);
    } catch (err) {
      // The change is committed whatever a listener does: never turn it into a failure.
      logger?.log("error", {
        msg: "stock event listener failed",
        spiritId: event.spiritId,
        err: String(err),
      });
    }
  }

  function enqueue(op: SpiritOperation, refresh = false): Promise<StockOutcome> {
    if (closed) return Promise.reject(new Error("The stock coordinator is closed."));
    return new Promise<StockOutcome>((resolve, reject) => {
      let q = queues.get(op.spiritId);
      if (!q) {
        q = { jobs: [], running: false };
        queues.set(op.spiritId, q);
      }
      q.jobs.push({ op, attempts: 0, refresh, resolve, reject });
      queueDepth(1);
      kick(op.spiritId, q);
    });
  }

  function kick(spiritId: string, q: Queue) {
    if (q.running) return;
    q.running = true;
    const p = drain(spiritId, q).finally(() => {
      running.delete(p);
      q.running = false;
      if (q.jobs.length) kick(spiritId, q);
      else if (queues.get(spiritId) === q) queues.delete(spiritId);
    });
    running.add(p);
  }

  async function drain(spiritId: string, q: Queue) {
    while (q.jobs.length) {
      // Let the requests already in flight reach the queue first (one turn of the event loop). With an
      // embedded database every statement runs synchronously, so nothing could arrive "while the batch
      // commits": without this pause each buyer of a drop would get a batch of their own.
      await nextTurn();
      const group = q.jobs.splice(0, maxGroup);
      queueDepth(-group.length);
      try {
        const again = await runGroup(spiritId, group);
        // Operations to plan again keep their place ahead of everything that arrived later.
        q.jobs.unshift(...again);
        queueDepth(again.length);
      } catch (err) {
        known.delete(spiritId);
        for (const job of group) job.reject(err);
      }
    }
  }

  /** Plans and commits one group; returns the jobs to plan again. */
  async function runGroup(spiritId: string, group: Job[]): Promise<Job[]> {
    const now = clock.now().toISOString();
    const customers = new Set<string>();
    const releasing = new Set<string>();
    for (const { op } of group) {
      if (op.type === "hold" || op.type === "preorder") customers.add(op.customerId);
      if (op.type === "release") releasing.add(op.orderId);
    }
    // Lapsed holds are expired first, then each operation is planned in arrival order.
    const planFrom = (state: SpiritState) => {
      const expiries = planExpiries(state);
      return { state, expiries, plans: group.map((job) => planOperation(state, job.op)) };
    };
    const cached = planStateFrom(known, spiritId, now, group);
    let planned = cached && planFrom(cached);
    if (!planned || planned.plans.some(isRefusal)) {
      planned = planFrom(await readSpiritState(client, spiritId, now, [...customers], [...releasing]));
    }
    const { state, expiries, plans } = planned;

    const units: Unit[] = expiries.map((e) => e.unit);
    const unitOf: (number | undefined)[] = plans.map((p) => {
      if (isRefusal(p) || (p.unit.guards.length === 0 && p.unit.writes.length === 0)) return undefined;
      units.push(p.unit);
      return units.length - 1;
    });

    let version: number | undefined;
    let outcomes: GroupOutcome[] = [];
    if (units.length) {
      const started = performance.now();
      const res = await commitGroup(client, units, spiritId, now, logger);
      metrics?.observe("angelshare_stock_commit_duration_seconds", (performance.now() - started) / 1000);
      metrics?.observe("angelshare_stock_group_size", group.length);
      outcomes = res.outcomes;
      const snap = snapshotFrom(spiritId, now, res.reads);
      version = snap.event.version;
      rememberCommit(known, snap);
      publish(snap.event);
    } else if (group.some((j) => j.refresh)) {
      const snap = snapshotFrom(spiritId, now, await readSnapshot(client, snapshotReads(spiritId, now)));
      version = snap.event.version;
      rememberCommit(known, snap);
      publish(snap.event);
    }

    const surprised = outcomes.some((o, i) => !o.ok && (i < expiries.length || !("error" in o)));
    const expired = expiries.reduce((n, e, i) => n + (outcomes[i]?.ok ? e.released : 0), 0);
    if (metrics && expiries.length) {
      const holds = expiredHoldsCommitted(state.dueHolds, outcomes);
      if (holds) metrics.inc("angelshare_stock_holds_expired_total", {}, holds);
    }
    let expiryReported = false;
    const again: Job[] = [];
    for (const [i, plan] of plans.entries()) {
      const job = group[i]!;
      const retry = () => {
        job.attempts += 1;
        again.push(job);
      };
      if (isRefusal(plan)) {
        // A refusal planned after the database surprised us may rest on a wrong picture: plan it again.
        if (surprised && job.attempts < maxAttempts) retry();
        else answer(job, plan);
        continue;
      }
      const at = unitOf[i];
      const outcome: GroupOutcome = at === undefined ? { ok: true } : outcomes[at]!;
      if (outcome.ok) {
        for (const e of plan.expiries) for (const l of holdListeners) l(e);
        let released = plan.released;
        if (job.op.type === "expire" && !expiryReported) {
          released = expired;
          expiryReported = true;
        }
        answer(job, success(plan, released, version ?? 0));
      } else if ("error" in outcome) job.reject(outcome.error);
      else if (job.attempts < maxAttempts) retry();
      else answer(job, refusalOf(outcome.reason));
    }
    return again;
  }

  function answer(job: Job, outcome: StockOutcome) {
    if (metrics) {
      if (!outcome.ok) metrics.inc("angelshare_stock_refusals_total", { code: outcome.code });
      else if (outcome.holds.length)
        metrics.inc("angelshare_stock_holds_placed_total", {}, outcome.holds.length);
    }
    job.resolve(outcome);
  }

  const success = (plan: Planned, released: number, version: number): StockOutcome => ({
    ok: true,
    holds: plan.holds,
    released,
    levels: levelChanges(plan.levels),
    version,
  });

  function refusalOf(reason: string): StockRefusal {
    const code = REASON_CODES[reason];
    if (code) return refuse(code, `Refused: ${reason.replaceAll("-", " ")}.`);
    return refuse("rejected", "The stock changed meanwhile; try again.", { reason });
  }

  /** After an order-wide batch: each touched spirit's queue re-reads and publishes its state. */
  async function afterOrderCommit(commit: OrderCommit): Promise<StockOutcome> {
    for (const spiritId of commit.spiritIds) known.delete(spiritId);
    await Promise.all(commit.spiritIds.map((spiritId) => enqueue({ type: "expire", spiritId }, true)));
    return commit.outcome;
  }

  const nowIso = () => clock.now().toISOString();

  return {
    submit: (op) => enqueue(op),
    async confirmOrder(req: OrderStockRequest) {
      return afterOrderCommit(await confirmOrderStock(client, { ...req, now: nowIso() }));
    },
    async shipOrder(req: OrderStockRequest) {
      return afterOrderCommit(await shipOrderStock(client, { ...req, now: nowIso() }));
    },
    async cancelOrder(req: OrderStockRequest) {
      return afterOrderCommit(await cancelOrderStock(client, { ...req, now: nowIso() }));
    },
    async countStock(req) {
      const done = await commitCounts(client, { ...req, now: nowIso() });
      if (!done.ok) return done;
      const success = { ok: true as const, holds: [], released: 0, levels: [], version: 0 };
      return afterOrderCommit({ outcome: success, spiritIds: done.spiritIds });
    },
    async expireDue() {
      const rs = await client.execute({
        sql: "SELECT DISTINCT spirit_id FROM stock_holds WHERE status = 'active' AND expires_at <= ?",
        args: [nowIso()],
      });
      const outcomes = await Promise.all(
        rs.rows.map((r) => enqueue({ type: "expire", spiritId: String(r.spirit_id) })),
      );
      return outcomes.reduce((n, o) => n + (o.ok ? o.released : 0), 0);
    },
    async nextExpiry() {
      const rs = await client.execute(
        "SELECT min(expires_at) AS next FROM stock_holds WHERE status = 'active'",
      );
      const next = rs.rows[0]?.next;
      return next === null || next === undefined ? null : String(next);
    },
    async snapshot(spiritId: string) {
      const now = nowIso();
      return snapshotFrom(spiritId, now, await readSnapshot(client, snapshotReads(spiritId, now))).event;
    },
    async orderHolds(orderId: string): Promise<OrderHold[]> {
      return (await readOrderStock(client, orderId)).holds;
    },
    knownAvailable: (spiritId: string) => availableAsOf(known, spiritId, clock.now().getTime()),
    onHoldsPlaced(listener) {
      holdListeners.add(listener);
      return () => holdListeners.delete(listener);
    },
    async close() {
      closed = true;
      while (running.size) await Promise.allSettled([...running]);
    },
  };
}
