/**
 * The StockCoordinator the Worker's app uses: every operation on a spirit goes to that spirit's Durable
 * Object (`idFromName(spiritId)`), which queues, group-commits and broadcasts exactly as the in-process
 * coordinator does on Bun (it runs the same code, see spirit-stock-object.ts).
 *
 * Order-wide operations (confirm, ship, cancel) cannot be refused for lack of stock, so, as on Bun, they
 * are one atomic guarded batch run right here; afterwards each touched spirit's object re-reads its
 * state and broadcasts it, so a spirit's messages still all come from its own object. Not through the
 * objects, because they need none: none lowers what a spirit has available, so no hold an object planned
 * can oversell because of one; every hold, claim and order they move is guarded on the status it moves
 * from, in the same batch as the counts that change with it, so whoever comes second (an expiry, a
 * release, another order-wide change) changes nothing; and an order over several spirits stays all or
 * nothing, which one object per spirit could not give without a protocol between objects
 * (test/workers/order-wide-races.test.ts races them). Reads (snapshot,
 * an order's holds, the next expiry) need no serialising and go straight to the database.
 */
import type { Client } from "@libsql/client";
import type { Clock, Logger, TraceScope } from "../deps.ts";
import { formatTraceparent } from "../http/trace-context.ts";
import { commitCounts } from "../stock/bulk-count.ts";
import type { OrderStockRequest, StockCoordinator, StockOutcome } from "../stock/coordinator.ts";
import { readSnapshot } from "../stock/ledger.ts";
import {
  cancelOrderStock,
  confirmOrderStock,
  type OrderCommit,
  readOrderStock,
  shipOrderStock,
} from "../stock/order-stock.ts";
import { snapshotFrom, snapshotReads } from "../stock/spirit-state.ts";
import type { SpiritStockObject } from "../stock/spirit-stock-object.ts";

export type DurableCoordinatorOptions = {
  namespace: DurableObjectNamespace<SpiritStockObject>;
  client: Client;
  clock: Clock;
  logger: Logger;
  /** The request's trace goes along to the object (its `traceparent` argument) for its log lines. */
  traces?: TraceScope;
};

export function createDurableStockCoordinator(options: DurableCoordinatorOptions): StockCoordinator {
  const { namespace, client, clock, logger, traces } = options;
  const traceparent = () => {
    const trace = traces?.current();
    return trace ? formatTraceparent(trace) : undefined;
  };
  const objectOf = (spiritId: string) => namespace.get(namespace.idFromName(spiritId));
  const holdListeners = new Set<(expiresAt: string) => void>();
  const nowIso = () => clock.now().toISOString();

  /**
   * The change has committed: the caller gets its outcome even when an object cannot be reached to
   * re-read and broadcast. Its watchers then catch up with that spirit's next change (versions only grow),
   * so a failed refresh is logged, never answered as a 500 for a change that happened.
   */
  async function afterOrderCommit(commit: OrderCommit): Promise<StockOutcome> {
    const refreshed = await Promise.allSettled(
      commit.spiritIds.map((spiritId) => objectOf(spiritId).refresh(spiritId, traceparent())),
    );
    refreshed.forEach((r, i) => {
      if (r.status === "rejected")
        logger.log("error", {
          msg: "stock refresh after an order-wide change failed",
          spiritId: commit.spiritIds[i],
          err: String(r.reason),
        });
    });
    return commit.outcome;
  }

  const orderWide =
    (run: typeof confirmOrderStock) =>
    async (req: OrderStockRequest): Promise<StockOutcome> =>
      afterOrderCommit(await run(client, { ...req, now: nowIso() }));

  return {
    async submit(op) {
      const outcome = (await objectOf(op.spiritId).submit(op, traceparent())) as StockOutcome;
      if (outcome.ok) for (const h of outcome.holds) for (const l of holdListeners) l(h.expiresAt);
      return outcome;
    },
    confirmOrder: orderWide(confirmOrderStock),
    shipOrder: orderWide(shipOrderStock),
    cancelOrder: orderWide(cancelOrderStock),
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
      const released = await Promise.all(
        rs.rows.map((r) => objectOf(String(r.spirit_id)).expire(String(r.spirit_id))),
      );
      return released.reduce((n, r) => n + r, 0);
    },
    async nextExpiry() {
      const rs = await client.execute(
        "SELECT min(expires_at) AS next FROM stock_holds WHERE status = 'active'",
      );
      const next = rs.rows[0]?.next;
      return next === null || next === undefined ? null : String(next);
    },
    async snapshot(spiritId) {
      const now = nowIso();
      return snapshotFrom(spiritId, now, await readSnapshot(client, snapshotReads(spiritId, now))).event;
    },
    async orderHolds(orderId) {
      return (await readOrderStock(client, orderId)).holds;
    },
    onHoldsPlaced(listener) {
      holdListeners.add(listener);
      return () => holdListeners.delete(listener);
    },
    // Nothing queues in the Worker itself: the objects own their queues.
    async close() {},
  };
}
