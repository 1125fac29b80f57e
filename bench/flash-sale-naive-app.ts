/**
 * The "naive in the app" variant of bench/flash-sale.ts: the SAME app as src/runtime/bun.ts (Bun.serve,
 * JWT, rate-limit/body rules, zod validation, compliance, allocation, order rows, the same caches), except
 * that each hold is taken the naive way: one interactive write transaction per request, in turn through a
 * FIFO lock (read the levels and the customer's total, check, update, insert, commit), instead of the
 * per-spirit coordinator's group commit. It is the like-for-like comparison for the stock engine: the only
 * difference from the real server is how the stock step is done.
 *
 * What the naive step does not get from the engine: the coordinator's "known available" early refusal
 * (a naive handler learns the spirit is sold out by reading it) and the stock-changed broadcast. Every
 * other stock operation (the bench's receive, reads) goes through the real coordinator.
 *
 * Started by the bench as a child process: `bun bench/flash-sale-naive-app.ts` with the same environment
 * as the real server (DATABASE_URL, PORT, JWT_SECRET...).
 */
import type { Client, Transaction } from "@libsql/client";
import type { DatabaseHandle } from "../src/db/client.ts";
import { systemClock } from "../src/deps.ts";
import type { HoldRequest, StockOutcome } from "../src/stock/coordinator.ts";
import { levelChanges, planOperation } from "../src/stock/planner.ts";
import { readSpiritState } from "../src/stock/spirit-state.ts";
import { serveBenchApp } from "./bench-app.ts";

/** A FIFO async lock: one open transaction at a time, in arrival order (as in flash-sale-baseline.ts). */
let tail: Promise<void> = Promise.resolve();
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const run = tail.then(work);
  tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/** One hold, naively: an interactive write transaction with a round trip per read, check and write. */
async function naiveHold(database: DatabaseHandle, op: HoldRequest): Promise<StockOutcome> {
  return exclusive(async () => {
    const tx: Transaction = await database.client.transaction("write");
    try {
      const now = systemClock.now().toISOString();
      // Read: the spirit's levels and this customer's total (the transaction's own view).
      const state = await readSpiritState(tx as unknown as Client, op.spiritId, now, [op.customerId], []);
      // Allocation and the per-customer limit, planned as the engine plans them.
      const plan = planOperation(state, op);
      if ("ok" in plan && plan.ok === false) {
        await tx.rollback();
        return plan;
      }
      if (!("unit" in plan)) throw new Error("unexpected plan");
      // Check in the database, one round trip per guard, then write.
      for (const g of plan.unit.guards) {
        const rs = await tx.execute({ sql: `SELECT COALESCE((${g.sql}), 0) AS ok`, args: g.args ?? [] });
        if (Number(rs.rows[0]?.ok) !== 1) {
          await tx.rollback();
          return { ok: false, code: "rejected", detail: g.reason, extra: { reason: g.reason } };
        }
      }
      for (const w of plan.unit.writes) {
        await tx.execute({ sql: w.sql.replaceAll("$ok", "1"), args: w.args ?? [] });
      }
      await tx.commit();
      return { ok: true, holds: plan.holds, released: 0, levels: levelChanges(plan.levels), version: 0 };
    } catch (err) {
      if (!tx.closed) await tx.rollback();
      throw err;
    } finally {
      tx.close();
    }
  });
}

await serveBenchApp("naive-in-app", {
  stock: (engine, database) => ({
    ...engine,
    submit: (op) => (op.type === "hold" && !op.fromPreorder ? naiveHold(database, op) : engine.submit(op)),
    knownAvailable: undefined,
  }),
});
