/**
 * RateLimitObject: the rate-limit budgets every isolate of the Worker shares. The Worker's RateLimiter
 * (worker-rate-limiter.ts) sends each key to its own object (`idFromName(key)`), so a hot key (one client
 * flooding) serialises only its own requests, and each object is created near the first caller of its
 * key, which for a per-client key is that client's nearest location.
 *
 * The arrival times (GCRA, src/http/gcra.ts, the same decision as the in-memory limiter) of budgets that
 * run longer than an idle object lives (the sign-in limits: 15 minutes and more) are rows in the object's
 * SQLite storage: an object is evicted after some idle time and on every deploy, and a budget in memory
 * would come back whole after an eviction, which is exactly when a patient guesser would try again. An
 * alarm deletes the rows whose budget is whole again, and the whole storage once none is left. Budgets of
 * a minute or less (the API's, orders') stay in memory: an idle eviction comes only after they are whole
 * anyway, and a storage write confirmed before each answer made every request wait on a disk flush
 * (bench/worker-rate-limit.ts measured the API limit at 0.04x the limit-off rate with every budget stored).
 *
 * The caller passes `now`: budgets then follow the Worker's clock (deps.clock), as they do in memory.
 */
import { DurableObject } from "cloudflare:workers";
import type { RateDecision, RatePolicy } from "../deps.ts";
import { gcraDecide } from "../http/gcra.ts";
import type { WorkerEnv } from "./worker-env.ts";

const SCHEMA = "CREATE TABLE IF NOT EXISTS arrivals (key TEXT PRIMARY KEY, tat REAL NOT NULL)";
/** Budgets this short are kept in memory (an idle object is evicted later than they refill). */
const MEMORY_WINDOW_MS = 60_000;
/** Keys kept in memory at most; whole budgets are dropped first. */
const MAX_MEMORY_KEYS = 10_000;

export class RateLimitObject extends DurableObject<WorkerEnv> {
  private tableReady = false;
  /** Arrival times of the short budgets. */
  private readonly memory = new Map<string, number>();
  /** When the clean-up alarm is due (epoch ms), as far as this instance knows; undefined: not read yet. */
  private alarmAt: number | null | undefined;

  /** Counts one request for `key` when `policy` allows it; says what is left either way. */
  async take(key: string, policy: RatePolicy, now: number): Promise<RateDecision> {
    if (policy.windowMs <= MEMORY_WINDOW_MS) {
      const { decision, next } = gcraDecide(this.memory.get(key), policy, now);
      if (next !== undefined) this.remember(key, next, now);
      return decision;
    }
    const { decision, next } = gcraDecide(this.arrivalOf(key), policy, now);
    if (next !== undefined) {
      this.sql().exec(
        "INSERT INTO arrivals (key, tat) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat",
        key,
        next,
      );
      await this.cleanUpBy(next);
    }
    return decision;
  }

  /** What `take` would answer at `now`, counting nothing. */
  peek(key: string, policy: RatePolicy, now: number): RateDecision {
    const tat = policy.windowMs <= MEMORY_WINDOW_MS ? this.memory.get(key) : this.arrivalOf(key);
    return gcraDecide(tat, policy, now).decision;
  }

  /** Gives `key` its whole budget back. */
  reset(key: string): void {
    this.memory.delete(key);
    this.sql().exec("DELETE FROM arrivals WHERE key = ?", key);
  }

  /** How many keys the object holds and when its clean-up alarm is due (for operators and tests). */
  async status(): Promise<{ keys: number; alarmAt: number | null }> {
    const sql = this.ctx.storage.sql;
    const table = sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'arrivals'").toArray().length;
    const keys = table ? sql.exec<{ n: number }>("SELECT count(*) AS n FROM arrivals").one().n : 0;
    return { keys, alarmAt: await this.ctx.storage.getAlarm() };
  }

  /** Forgets the keys whose budget is whole again; comes back when the last one left will be. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const sql = this.sql();
    sql.exec("DELETE FROM arrivals WHERE tat <= ?", Date.now());
    const latest = sql
      .exec<{ latest: number | null }>("SELECT max(tat) AS latest FROM arrivals")
      .one().latest;
    if (latest === null) {
      await this.ctx.storage.deleteAll();
      this.tableReady = false;
    } else {
      await this.cleanUpBy(latest);
    }
  }

  /** Keeps a short budget's arrival time; when full, first forgets the budgets that are whole again. */
  private remember(key: string, tat: number, now: number) {
    this.memory.delete(key);
    if (this.memory.size >= MAX_MEMORY_KEYS) {
      for (const [k, t] of this.memory) if (t <= now) this.memory.delete(k);
      if (this.memory.size >= MAX_MEMORY_KEYS) this.memory.delete(this.memory.keys().next().value as string);
    }
    this.memory.set(key, tat);
  }

  private arrivalOf(key: string): number | undefined {
    const rows = this.sql().exec<{ tat: number }>("SELECT tat FROM arrivals WHERE key = ?", key).toArray();
    return rows[0]?.tat;
  }

  /** Makes sure an alarm is set; it need not be at `at`: when it goes off early, it sets itself again. */
  private async cleanUpBy(at: number) {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null) return;
    this.alarmAt = Math.max(at, Date.now() + 1000);
    await this.ctx.storage.setAlarm(this.alarmAt);
  }

  private sql() {
    const sql = this.ctx.storage.sql;
    if (!this.tableReady) {
      sql.exec(SCHEMA);
      this.tableReady = true;
    }
    return sql;
  }
}
