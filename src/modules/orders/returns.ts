/**
 * Bottles that come back after shipping: staff record them line by line, with a reason; restocked ones
 * go back on sale through the stock engine (ledger kind `return`, numbered bottles by number).
 */
import { eq, sum } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { orderLines, orderReturns } from "../../db/schema/orders.ts";
import { DomainError, invalidFields } from "../../domain-error.ts";
import { insertReturn } from "./fulfilment.records.ts";
import type { Actor, OrdersContext } from "./orders.context.ts";
import { commitOrderChange, effectiveStatus } from "./orders.records.ts";
import type { Order, ReturnInput } from "./orders.schemas.ts";
import { orderView, visibleRow } from "./reading.ts";

const RETURNABLE = new Set(["partially_shipped", "shipped", "delivered"]);

export async function returnBottles(
  ctx: OrdersContext,
  actor: Actor,
  id: string,
  input: ReturnInput,
): Promise<Order> {
  const { deps } = ctx;
  const row = await visibleRow(ctx, actor, id);
  const now = deps.clock.now().toISOString();
  const status = effectiveStatus(row, now);
  if (!RETURNABLE.has(status)) {
    throw new DomainError("order-status", `The order is ${status}; only shipped bottles can come back.`, {
      extra: { orderStatus: status },
    });
  }
  const [line] = await deps.db.select().from(orderLines).where(eq(orderLines.id, input.lineId));
  if (!line || line.orderId !== id) {
    throw invalidFields([{ path: "lineId", message: "is not a line of this order" }]);
  }
  const shipped = (await deps.stock.orderHolds(id)).filter(
    (h) => h.lineId === line.id && h.status === "shipped",
  );
  const [back] = await deps.db
    .select({ n: sum(orderReturns.quantity) })
    .from(orderReturns)
    .where(eq(orderReturns.lineId, line.id));
  const left = shipped.reduce((n, h) => n + h.quantity, 0) - Number(back?.n ?? 0);
  if (input.quantity > left) {
    throw invalidFields([
      {
        path: "quantity",
        message: `at most ${left} bottle${left === 1 ? "" : "s"} of this line can come back`,
      },
    ]);
  }
  const from = shipped[0]!;
  const numbered = shipped.some((h) => h.serials.length > 0);
  const numbers = input.bottleNumbers ?? [];
  if (numbered && input.restock && numbers.length !== input.quantity) {
    throw invalidFields([
      { path: "bottleNumbers", message: `must name the ${input.quantity} numbered bottle(s) that came back` },
    ]);
  }
  const record = insertReturn({
    id: newId("ret"),
    orderId: id,
    lineId: line.id,
    quantity: input.quantity,
    bottleNumbers: numbers,
    restocked: input.restock,
    locationId: input.restock ? (input.locationId ?? from.locationId) : null,
    reason: input.reason,
    actorId: actor.id,
    now,
  });
  if (!input.restock) {
    await commitOrderChange(deps.client, record);
    return orderView(ctx, id);
  }
  const outcome = await deps.stock.submit({
    type: "receive",
    spiritId: line.spiritId,
    actorId: actor.id,
    reason: `returned: ${input.reason}`,
    locationId: input.locationId ?? from.locationId,
    batchId: from.batchId,
    // Back into the stock of the unit that was sold (a sample comes back as a sample).
    variantId: from.variantId,
    quantity: input.quantity,
    returned: { orderId: id, ...(numbered ? { bottleNumbers: numbers } : {}) },
    attach: record,
  });
  if (!outcome.ok) {
    if (outcome.code === "serials-taken")
      throw invalidFields([
        { path: "bottleNumbers", message: "must be bottles this order shipped and not yet returned" },
      ]);
    throw new DomainError("stock-conflict", outcome.detail);
  }
  return orderView(ctx, id);
}
