import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { spirits } from "../../db/schema/catalog.ts";
import { orderLines, orders } from "../../db/schema/orders.ts";
import type { Deps } from "../../deps.ts";

/** Orders in these states were paid for: they count as purchases. */
export const PURCHASED_STATUSES = ["confirmed", "shipped"] as const;

type PurchaseRow = {
  lineId: string;
  orderId: string;
  orderCreatedAt: string;
  spiritId: string;
  spiritName: string | null;
  batchId: string | null;
  quantity: number;
  unitPriceMinor: number;
  currency: string;
  status: string;
  purchasedAt: string | null;
};

export type Purchase = {
  orderId: string;
  lineId: string;
  spiritId: string;
  spiritName: string | null;
  batchId: string | null;
  quantity: number;
  unitPrice: { amountMinor: number; currency: string };
  orderStatus: string;
  purchasedAt: string;
};

const NEWEST_FIRST: Sort<PurchaseRow> = {
  name: "purchases_newest",
  keys: [
    { column: orders.createdAt, direction: "desc", value: (r) => r.orderCreatedAt },
    { column: orderLines.id, direction: "desc", value: (r) => r.lineId },
  ],
};

/**
 * A customer's purchase history, read from confirmed (and later shipped) orders. Read-only over the
 * orders tables: the orders module owns them and this never writes there.
 */
export function createPurchasesService(deps: Deps) {
  const { db } = deps;
  const paid = inArray(orders.status, [...PURCHASED_STATUSES]);
  const confirmedAt = sql<string | null>`(SELECT max(h.at) FROM order_status_history h
    WHERE h.order_id = ${orders.id} AND h.status = 'confirmed')`;

  async function list(customerId: string, params: { limit: number; cursor?: string | undefined }) {
    const where: SQL[] = [eq(orders.customerId, customerId), paid];
    if (params.cursor) where.push(afterCursor(NEWEST_FIRST, decodeCursor(NEWEST_FIRST, params.cursor)));
    return page(
      NEWEST_FIRST,
      params.limit,
      (limit) =>
        db
          .select({
            lineId: orderLines.id,
            orderId: orders.id,
            orderCreatedAt: orders.createdAt,
            spiritId: orderLines.spiritId,
            spiritName: spirits.name,
            batchId: orderLines.batchId,
            quantity: orderLines.quantity,
            unitPriceMinor: orderLines.unitPriceMinor,
            currency: orderLines.currency,
            status: orders.status,
            purchasedAt: confirmedAt,
          })
          .from(orderLines)
          .innerJoin(orders, eq(orders.id, orderLines.orderId))
          .leftJoin(spirits, eq(spirits.id, orderLines.spiritId))
          .where(and(...where))
          .orderBy(...orderByOf(NEWEST_FIRST))
          .limit(limit),
      (r): Purchase => ({
        orderId: r.orderId,
        lineId: r.lineId,
        spiritId: r.spiritId,
        spiritName: r.spiritName,
        batchId: r.batchId,
        quantity: r.quantity,
        unitPrice: { amountMinor: r.unitPriceMinor, currency: r.currency },
        orderStatus: r.status,
        purchasedAt: r.purchasedAt ?? r.orderCreatedAt,
      }),
    );
  }

  /** Each spirit the customer paid for, with when they last did (to tell a new batch from an old one). */
  async function boughtSpirits(customerId: string): Promise<Map<string, string>> {
    const rows = await db
      .select({
        spiritId: orderLines.spiritId,
        at: sql<string>`max(coalesce(${confirmedAt}, ${orders.createdAt}))`,
      })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(and(eq(orders.customerId, customerId), paid))
      .groupBy(orderLines.spiritId);
    return new Map(rows.map((r) => [r.spiritId, r.at]));
  }

  async function hasBought(customerId: string, spiritId: string): Promise<boolean> {
    const [row] = await db
      .select({ one: sql<number>`1` })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(and(eq(orders.customerId, customerId), eq(orderLines.spiritId, spiritId), paid))
      .limit(1);
    return row !== undefined;
  }

  /** Paid bottles per spirit, with the first and last time one was paid for (how fast a spirit sold). */
  async function salesOf(spiritIds: string[]) {
    const sales = new Map<string, { units: number; firstAt: string; lastAt: string }>();
    for (let i = 0; i < spiritIds.length; i += 500) {
      const rows = await db
        .select({
          spiritId: orderLines.spiritId,
          units: sql<number>`sum(${orderLines.quantity})`,
          firstAt: sql<string>`min(coalesce(${confirmedAt}, ${orders.createdAt}))`,
          lastAt: sql<string>`max(coalesce(${confirmedAt}, ${orders.createdAt}))`,
        })
        .from(orderLines)
        .innerJoin(orders, eq(orders.id, orderLines.orderId))
        .where(and(inArray(orderLines.spiritId, spiritIds.slice(i, i + 500)), paid))
        .groupBy(orderLines.spiritId);
      for (const r of rows)
        sales.set(r.spiritId, { units: Number(r.units), firstAt: r.firstAt, lastAt: r.lastAt });
    }
    return sales;
  }

  return { list, boughtSpirits, hasBought, salesOf };
}

export type PurchasesService = ReturnType<typeof createPurchasesService>;
