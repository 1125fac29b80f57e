/** The spirit's stock ledger, newest first, a page at a time. */
import { and, eq, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type StockMovementRow, stockMovements } from "../../db/schema/inventory.ts";
import type { InventoryContext } from "./inventory.context.ts";
import type { MovementQuery } from "./inventory.schemas.ts";
import { spiritNotFound } from "./stock-views.ts";

const MOVEMENTS: Sort<StockMovementRow> = {
  name: "ledger",
  keys: [{ column: stockMovements.seq, direction: "desc", value: (r) => r.seq }],
};

export async function listMovements({ deps, ports }: InventoryContext, spiritId: string, q: MovementQuery) {
  if (!(await ports.spiritExists(spiritId))) throw spiritNotFound(spiritId);
  const conds: SQL[] = [eq(stockMovements.spiritId, spiritId)];
  if (q.kind) conds.push(eq(stockMovements.kind, q.kind));
  if (q.locationId) conds.push(eq(stockMovements.locationId, q.locationId));
  if (q.orderId) conds.push(eq(stockMovements.orderId, q.orderId));
  if (q.cursor) conds.push(afterCursor(MOVEMENTS, decodeCursor(MOVEMENTS, q.cursor)));
  return page(
    MOVEMENTS,
    q.limit,
    (n) =>
      deps.db
        .select()
        .from(stockMovements)
        .where(and(...conds))
        .orderBy(...orderByOf(MOVEMENTS))
        .limit(n),
    (r) => ({
      id: String(r.seq),
      kind: r.kind,
      levelId: r.levelId,
      locationId: r.locationId,
      batchId: r.batchId,
      onHandDelta: r.onHandDelta,
      reservedDelta: r.reservedDelta,
      actorId: r.actorId,
      reason: r.reason,
      orderId: r.orderId,
      holdId: r.holdId,
      operationId: r.operationId,
      at: r.at,
    }),
  );
}
