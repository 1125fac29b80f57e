import { and, eq, exists, gt, lte, or, type SQL, sql } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type OrderRow, type OrderStatus, orderLines, orders } from "../../db/schema/orders.ts";
import { DomainError } from "../../domain-error.ts";
import { isStaff } from "../../http/auth.ts";
import type { Actor, OrdersContext } from "./orders.context.ts";
import { orderNotFound } from "./orders.problems.ts";
import { readOrderView, readSummaries } from "./orders.records.ts";
import type { Order, OrderListQuery } from "./orders.schemas.ts";

const NEWEST: Sort<OrderRow> = {
  name: "newest",
  keys: [
    { column: orders.createdAt, direction: "desc", value: (r) => r.createdAt },
    { column: orders.id, direction: "desc", value: (r) => r.id },
  ],
};

export async function findOrderRow({ deps }: OrdersContext, id: string): Promise<OrderRow | undefined> {
  return deps.db.query.orders.findFirst({ where: eq(orders.id, id) });
}

/** The order's row when the actor may see it (its customer, or staff); else 404, as if it did not exist. */
export async function visibleRow(ctx: OrdersContext, actor: Actor, id: string): Promise<OrderRow> {
  const row = await findOrderRow(ctx, id);
  if (!row || (row.customerId !== actor.id && !isStaff(actor))) throw orderNotFound(id);
  return row;
}

export async function orderView(ctx: OrdersContext, id: string): Promise<Order> {
  const row = await findOrderRow(ctx, id);
  if (!row) throw orderNotFound(id);
  const { deps } = ctx;
  return readOrderView(deps.db, row, await deps.stock.orderHolds(id), deps.clock.now().toISOString());
}

export async function getOrder(ctx: OrdersContext, actor: Actor, id: string): Promise<Order> {
  await visibleRow(ctx, actor, id);
  return orderView(ctx, id);
}

export async function listOrders(ctx: OrdersContext, actor: Actor, q: OrderListQuery) {
  const { db, clock } = ctx.deps;
  const nowIso = clock.now().toISOString();
  let customerId = q.customerId === "me" ? actor.id : q.customerId;
  if (!isStaff(actor)) {
    if (customerId && customerId !== actor.id)
      throw new DomainError("forbidden", "Customers see their own orders only.");
    customerId = actor.id;
  }
  const conds: SQL[] = [];
  if (customerId) conds.push(eq(orders.customerId, customerId));
  if (q.status?.length) conds.push(or(...q.status.map((status) => statusCondition(status, nowIso)))!);
  if (q.spiritId) {
    conds.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(orderLines)
          .where(and(eq(orderLines.orderId, orders.id), eq(orderLines.spiritId, q.spiritId))),
      ),
    );
  }
  if (q.cursor) conds.push(afterCursor(NEWEST, decodeCursor(NEWEST, q.cursor)));
  const result = await page(
    NEWEST,
    q.limit,
    (n) =>
      db
        .select()
        .from(orders)
        .where(and(...conds))
        .orderBy(...orderByOf(NEWEST))
        .limit(n),
    (r) => r,
  );
  return { items: await readSummaries(db, result.items, nowIso), nextCursor: result.nextCursor };
}

/** A reserved order past its expiry is expired to the reader, even before the sweep marks it. */
function statusCondition(status: OrderStatus, nowIso: string): SQL {
  if (status === "expired")
    return or(
      eq(orders.status, "expired"),
      and(eq(orders.status, "reserved"), lte(orders.expiresAt, nowIso)),
    )!;
  if (status === "reserved") return and(eq(orders.status, "reserved"), gt(orders.expiresAt, nowIso))!;
  return eq(orders.status, status);
}

/** The status (and hold expiry) of each order that exists among `ids`: a release following its orders. */
export async function orderStatuses(
  { deps }: OrdersContext,
  ids: string[],
): Promise<Map<string, { status: OrderStatus; expiresAt: string | null }>> {
  if (!ids.length) return new Map();
  const rs = await deps.client.execute({
    sql: "SELECT id, status, expires_at FROM orders WHERE id IN (SELECT value FROM json_each(?))",
    args: [JSON.stringify(ids)],
  });
  return new Map(
    rs.rows.map((r) => [
      String(r.id),
      {
        status: String(r.status) as OrderStatus,
        expiresAt: r.expires_at === null ? null : String(r.expires_at),
      },
    ]),
  );
}
