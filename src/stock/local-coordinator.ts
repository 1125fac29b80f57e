/**
 * The in-process stock coordinator (Bun, one server): one queue per spirit, operations taken in arrival
 * order, and group commit.
 *
 * How a group runs:
 *  1. Everything queued for the spirit (up to `maxGroup`) is taken as one group; what arrives while the
 *     group commits waits for the next one, so a drop with thousands of buyers costs a few batches.
 *  2. One read snapshot of the spirit (levels, lapsed holds, the group's customers' totals), except for a
 *     group of new holds while no hold can have lapsed: that one plans from the levels its last commit
 *     read back, and reads only if the plan refuses anyone (cachedState).
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
import { commitUnits, type LedgerCommit, readSnapshot, type Unit, type UnitOutcome } from "./ledger.ts";
import {
  cancelOrderStock,
  confirmOrderStock,
  type OrderCommit,
  readOrderStock,
  shipOrderStock,
} from "./order-stock.ts";
import { levelChanges, type Plan, type Planned, planExpiries, planOperation, refuse } from "./planner.ts";
import {
  type LevelState,
  readSpiritState,
  type SpiritState,
  snapshotFrom,
  snapshotReads,
  stateFromLastCommit,
} from "./spirit-state.ts";

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
  /**
   * Per spirit, what its last commit left (its levels, read back inside the write transaction) and until
   * when that stays exact (its next hold expiry). Being the only writer of the spirit's levels in this
   * process, the coordinator sees every other change: its own groups replace the entry, order-wide
   * changes drop it. Another process on the same database is not seen: see planState.
   */
  const known = new Map<string, { available: number; until: number; levels?: LevelState[] }>();
  let closed = false;
  /** Operations waiting in all queues (the queue-depth gauge). */
  let queued = 0;
  const queueDepth = (delta: number) => {
    queued += delta;
    metrics?.set("angelshare_stock_queue_depth", queued);
  };

  function remember(snap: ReturnType<typeof snapshotFrom>) {
    known.set(snap.event.spiritId, {
      available: snap.event.available,
      until: snap.nextExpiry ? Date.parse(snap.nextExpiry) : Number.POSITIVE_INFINITY,
      // Only without lapsed holds is a snapshot level's `reserved` the row's own, which plans start from.
      levels:
        snap.lapsed === 0
          ? snap.levels.map((l) => ({
              id: l.levelId,
              batchId: l.batchId,
              variantId: l.variantId,
              locationId: l.locationId,
              onHand: l.onHand,
              reserved: l.reserved,
              version: l.version,
            }))
          : undefined,
    });
  }

  /**
   * A group made only of first attempts at holds is planned from the spirit's last commit, without the
   * read (a round trip to a remote database, a transaction on the file). Safe against another writer
   * (a second process, which this coordinator cannot see): a hold planned on stale levels fails its guard
   * in the batch and is planned again from fresh state, and any refusal the plan makes sends the whole
   * group back to a fresh read, so no buyer is ever refused on remembered stock. Retries always read:
   * a customer over the spirit's limit is refused by the guard first, then by a plan that knows their total.
   */
  function cachedState(spiritId: string, group: Job[], now: string): SpiritState | undefined {
    const k = known.get(spiritId);
    if (!k?.levels || Date.parse(now) >= k.until) return undefined;
    if (!group.every((job) => job.op.type === "hold" && job.attempts === 0)) return undefined;
    return stateFromLastCommit(spiritId, now, k.levels);
  }

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

  async function commitOrOneByOne(units: Unit[], spiritId: string, now: string) {
    try {
      const marks = { spiritIds: [spiritId], at: now };
      const res: LedgerCommit = await commitUnits(client, units, snapshotReads(spiritId, now), marks);
      return { outcomes: res.outcomes as (UnitOutcome | { ok: false; error: unknown })[], reads: res.reads };
    } catch (err) {
      logger?.log("warn", {
        msg: "stock batch failed as a whole; committing unit by unit",
        spiritId,
        err: String(err),
      });
      const outcomes: (UnitOutcome | { ok: false; error: unknown })[] = [];
      for (const unit of units) {
        try {
          const marks = { spiritIds: [spiritId], at: now };
          outcomes.push((await commitUnits(client, [unit], [], marks)).outcomes[0]!);
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      return { outcomes, reads: await readSnapshot(client, snapshotReads(spiritId, now)) };
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
    const cached = cachedState(spiritId, group, now);
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
    let outcomes: (UnitOutcome | { ok: false; error: unknown })[] = [];
    if (units.length) {
      const started = performance.now();
      const res = await commitOrOneByOne(units, spiritId, now);
      metrics?.observe("angelshare_stock_commit_duration_seconds", (performance.now() - started) / 1000);
      metrics?.observe("angelshare_stock_group_size", group.length);
      outcomes = res.outcomes;
      const snap = snapshotFrom(spiritId, now, res.reads);
      version = snap.event.version;
      remember(snap);
      publish(snap.event);
    } else if (group.some((j) => j.refresh)) {
      const snap = snapshotFrom(spiritId, now, await readSnapshot(client, snapshotReads(spiritId, now)));
      version = snap.event.version;
      remember(snap);
      publish(snap.event);
    }

    const surprised = outcomes.some((o, i) => !o.ok && (i < expiries.length || !("error" in o)));
    const expired = expiries.reduce((n, e, i) => n + (outcomes[i]?.ok ? e.released : 0), 0);
    if (metrics && expiries.length) countExpiredHolds(state.dueHolds, outcomes);
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
      const outcome: UnitOutcome | { ok: false; error: unknown } =
        at === undefined ? { ok: true } : outcomes[at]!;
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

  /** planExpiries makes one unit per order, in the order its lapsed holds come: count those that committed. */
  function countExpiredHolds(
    due: readonly { orderId: string; status: string }[],
    outcomes: readonly { ok: boolean }[],
  ) {
    const perOrder = new Map<string, number>();
    for (const h of due)
      if (h.status === "active") perOrder.set(h.orderId, (perOrder.get(h.orderId) ?? 0) + 1);
    let holds = 0;
    [...perOrder.values()].forEach((n, i) => {
      if (outcomes[i]?.ok) holds += n;
    });
    if (holds) metrics?.inc("angelshare_stock_holds_expired_total", {}, holds);
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
    knownAvailable(spiritId: string) {
      const k = known.get(spiritId);
      if (!k || clock.now().getTime() >= k.until) return undefined;
      return k.available;
    },
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
