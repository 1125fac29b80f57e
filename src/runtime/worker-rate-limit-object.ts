/**
 * RateLimitObject: the rate-limit budgets every isolate of the Worker shares. The Worker's RateLimiter
 * (worker-rate-limiter.ts) sends each key to its own object (`idFromName(key)`), so a hot key (one client
 * flooding) serialises only its own requests, and each object is created near the first caller of its
 * key, which for a per-client key is that client's nearest location.
 *
 * The arrival times (GCRA, src/http/gcra.ts, the same decision as the in-memory limiter) are rows in the
 * object's SQLite storage rather than fields in memory: an object is evicted after some idle time and on
 * every deploy, and the sign-in limits run for 15 minutes and more, so a budget in memory would come back
 * whole after an eviction, which is exactly when a patient guesser would try again. SQLite writes are
 * local to the object and confirmed before it answers, so durability costs no network round trip. An
 * alarm deletes the rows whose budget is whole again, and the whole storage once none is left, so idle
 * keys cost nothing.
 *
 * The caller passes `now`: budgets then follow the Worker's clock (deps.clock), as they do in memory.
 */
import { DurableObject } from "cloudflare:workers";
import type { RateDecision, RatePolicy } from "../deps.ts";
import { gcraDecide } from "../http/gcra.ts";
import type { WorkerEnv } from "./worker-env.ts";

const SCHEMA = "CREATE TABLE IF NOT EXISTS arrivals (key TEXT PRIMARY KEY, tat REAL NOT NULL)";

export class RateLimitObject extends DurableObject<WorkerEnv> {
  private tableReady = false;
  /** When the clean-up alarm is due (epoch ms), as far as this instance knows; undefined: not read yet. */
  private alarmAt: number | null | undefined;

  /** Counts one request for `key` when `policy` allows it; says what is left either way. */
  async take(key: string, policy: RatePolicy, now: number): Promise<RateDecision> {
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
    return gcraDecide(this.arrivalOf(key), policy, now).decision;
  }

  /** Gives `key` its whole budget back. */
  reset(key: string): void {
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
