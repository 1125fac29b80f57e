/**
 * The orders module's rows as written inside stock operations (so an order and its holds appear, or
 * change status, in the same atomic write) and as read back into the API shape.
 */
import type { Client } from "@libsql/client";
import { asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import {
  type OrderLineRow,
  type OrderRow,
  type OrderStatus,
  orderLines,
  orderReturns,
  orderStatusHistory,
  shipments,
} from "../../db/schema/orders.ts";
import type { Attachment, HoldView, OrderHold } from "../../stock/coordinator.ts";
import { commitUnits } from "../../stock/ledger.ts";
import { guard, write } from "../../stock/statements.ts";
import type { EventType } from "../events/domain-events.ts";
import { orderEvent, orderPlacedEvent } from "./order-events.ts";
import { ORDER_TRANSITIONS, type OrderTransition } from "./order-lifecycle.ts";
import type { Order, OrderSummary } from "./orders.schemas.ts";

export type NewOrder = {
  id: string;
  customerId: string;
  status: "reserved" | "preordered";
  preorder: boolean;
  currency: string;
  totalMinor: number;
  shippingCountry: string;
  shippingRegion: string | null;
  address: { name: string; lines: string[]; city: string; postalCode: string; phone: string | null };
  expiresAt: string | null;
  lines: {
    id: string;
    spiritId: string;
    batchId: string | null;
    variantId?: string | null;
    quantity: number;
    unitPriceMinor: number;
    currency: string;
  }[];
  actorId: string | null;
  now: string;
};

/** Inserts the order, its lines and its first status: written only if the stock operation succeeds. */
export function insertOrder(o: NewOrder): Attachment {
  return {
    writes: [
      write(
        `INSERT INTO orders (id, customer_id, status, preorder, currency, total_minor, shipping_country, shipping_region,
           shipping_name, shipping_lines, shipping_city, shipping_postal_code, shipping_phone,
           expires_at, created_at, updated_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE $ok`,
        [
          o.id,
          o.customerId,
          o.status,
          o.preorder ? 1 : 0,
          o.currency,
          o.totalMinor,
          o.shippingCountry,
          o.shippingRegion,
          o.address.name,
          JSON.stringify(o.address.lines),
          o.address.city,
          o.address.postalCode,
          o.address.phone,
          o.expiresAt,
          o.now,
          o.now,
        ],
      ),
      ...o.lines.map((l, i) =>
        write(
          `INSERT INTO order_lines (id, order_id, spirit_id, batch_id, variant_id, quantity, unit_price_minor, currency, position)
           SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE $ok`,
          [
            l.id,
            o.id,
            l.spiritId,
            l.batchId,
            l.variantId ?? null,
            l.quantity,
            l.unitPriceMinor,
            l.currency,
            i,
          ],
        ),
      ),
      historyRow(o.id, o.status, o.actorId, placedNote(o), o.now),
      orderPlacedEvent(o),
    ],
  };
}

const historyRow = (
  orderId: string,
  status: OrderStatus,
  actorId: string | null,
  note: string | null,
  at: string,
) =>
  write(
    "INSERT INTO order_status_history (order_id, status, actor_id, note, at) SELECT ?, ?, ?, ?, ? WHERE $ok",
    [orderId, status, actorId, note, at],
  );

export type StatusChange = {
  actorId: string | null;
  note: string | null;
  now: string;
  /** Set the hold expiry too (a converted or re-held order gets its payment window; paying clears it). */
  expiresAt?: string | null;
  /** Narrower than the table's `from`: guard on the status the caller read (its change assumed it). */
  from?: readonly OrderStatus[];
  /** The event's fields beyond the order and customer (a shipment's id, a refund's amount). */
  event?: Record<string, unknown>;
};

/**
 * The order's move `name` of the lifecycle table, guarded on the status it moves from (the table's, or
 * the narrower one the caller read), with its history row: whoever comes second changes nothing.
 */
export function transition(orderId: string, name: OrderTransition, change: StatusChange): Attachment {
  const t: { from: readonly OrderStatus[]; to: OrderStatus; event?: EventType } = ORDER_TRANSITIONS[name];
  const { from: allowed, to } = t;
  const from = change.from ?? allowed;
  const stray = from.filter((st) => !(allowed as readonly OrderStatus[]).includes(st));
  if (stray.length) throw new Error(`${name} cannot start from ${stray.join(", ")} (order-lifecycle.ts)`);
  const setExpiry = change.expiresAt !== undefined;
  return {
    guards: [
      guard("order-status", `SELECT status IN (${from.map(() => "?").join(", ")}) FROM orders WHERE id = ?`, [
        ...from,
        orderId,
      ]),
    ],
    writes: [
      write(
        `UPDATE orders SET status = ?, updated_at = ?${setExpiry ? ", expires_at = ?" : ""} WHERE id = ? AND $ok`,
        setExpiry ? [to, change.now, change.expiresAt ?? null, orderId] : [to, change.now, orderId],
      ),
      historyRow(orderId, to, change.actorId, change.note, change.now),
      ...(t.event ? [orderEvent(orderId, t.event, change.event ?? {}, change.now)] : []),
    ],
  };
}

/** Attachments that go into one stock operation (or one commit) together. */
export const together = (...parts: (Attachment | undefined)[]): Attachment => ({
  guards: parts.flatMap((p) => p?.guards ?? []),
  writes: parts.flatMap((p) => p?.writes ?? []),
});

/** Commits order rows that move no stock (a refund, a delivery) as one guarded batch: false if a guard failed. */
export async function commitOrderChange(client: Client, change: Attachment): Promise<boolean> {
  const { outcomes } = await commitUnits(client, [
    { guards: change.guards ?? [], writes: change.writes ?? [] },
  ]);
  return outcomes[0]!.ok;
}

/** A reserved order past its expiry is expired for every reader, before the reaper writes it down. */
export function effectiveStatus(row: Pick<OrderRow, "status" | "expiresAt">, now: string): OrderStatus {
  return row.status === "reserved" && row.expiresAt !== null && row.expiresAt <= now ? "expired" : row.status;
}

const money = (amountMinor: number, currency: string) => ({ amountMinor, currency });

/** The order just placed, from what placing it wrote (no read back: this is the hot path of a drop). */
export function placedOrderView(o: NewOrder, holds: HoldView[]): Order {
  return {
    id: o.id,
    customerId: o.customerId,
    status: o.status,
    preorder: o.preorder,
    total: money(o.totalMinor, o.currency),
    shipping: { ...o.address, country: o.shippingCountry, region: o.shippingRegion },
    expiresAt: o.expiresAt,
    lines: o.lines.map((l) => ({
      id: l.id,
      spiritId: l.spiritId,
      batchId: l.batchId,
      variantId: l.variantId ?? null,
      quantity: l.quantity,
      unitPrice: money(l.unitPriceMinor, l.currency),
      lineTotal: money(l.unitPriceMinor * l.quantity, l.currency),
      allocations: holds
        .filter((h) => h.lineId === l.id)
        .map((h) => ({
          locationId: h.locationId,
          batchId: h.batchId,
          quantity: h.quantity,
          status: "active" as const,
          bottleNumbers: [],
        })),
    })),
    shipments: [],
    returns: [],
    history: [{ status: o.status, at: o.now, actorId: o.actorId, note: placedNote(o) }],
    createdAt: o.now,
    updatedAt: o.now,
  };
}

const placedNote = (o: Pick<NewOrder, "preorder">) => (o.preorder ? "pre-ordered" : "stock held");

export async function readOrderView(
  db: Database,
  row: OrderRow,
  holds: OrderHold[],
  now: string,
): Promise<Order> {
  const [lines, history, parcels, returned] = await Promise.all([
    db.select().from(orderLines).where(eq(orderLines.orderId, row.id)).orderBy(asc(orderLines.position)),
    db
      .select()
      .from(orderStatusHistory)
      .where(eq(orderStatusHistory.orderId, row.id))
      .orderBy(asc(orderStatusHistory.seq)),
    db.select().from(shipments).where(eq(shipments.orderId, row.id)).orderBy(asc(shipments.shippedAt)),
    db
      .select()
      .from(orderReturns)
      .where(eq(orderReturns.orderId, row.id))
      .orderBy(asc(orderReturns.returnedAt)),
  ]);
  const status = effectiveStatus(row, now);
  const changes = history.map((h) => ({ status: h.status, at: h.at, actorId: h.actorId, note: h.note }));
  if (status === "expired" && row.status === "reserved") {
    changes.push({ status: "expired", at: row.expiresAt!, actorId: null, note: "hold expired" });
  }
  return {
    ...summaryBase(row, now),
    lines: lines.map((l) => lineView(l, holds, now)),
    shipments: parcels.map((p) => ({
      id: p.id,
      carrier: p.carrier,
      trackingNumber: p.trackingNumber,
      lineIds: p.lineIds,
      shippedAt: p.shippedAt,
    })),
    returns: returned.map(({ orderId: _, actorId: __, ...r }) => r),
    history: changes,
  };
}

function lineView(l: OrderLineRow, holds: OrderHold[], now: string) {
  return {
    id: l.id,
    spiritId: l.spiritId,
    batchId: l.batchId,
    variantId: l.variantId,
    quantity: l.quantity,
    unitPrice: money(l.unitPriceMinor, l.currency),
    lineTotal: money(l.unitPriceMinor * l.quantity, l.currency),
    allocations: holds
      .filter((h) => h.lineId === l.id)
      .map((h) => ({
        locationId: h.locationId,
        batchId: h.batchId,
        quantity: h.quantity,
        status: (h.status === "active" && h.expiresAt <= now ? "expired" : h.status) as
          | "active"
          | "committed"
          | "shipped"
          | "released"
          | "expired",
        bottleNumbers: h.serials,
      })),
  };
}

function summaryBase(row: OrderRow, now: string) {
  const status = effectiveStatus(row, now);
  return {
    id: row.id,
    customerId: row.customerId,
    status,
    preorder: row.preorder,
    total: money(row.totalMinor, row.currency),
    shipping: {
      name: row.shippingName,
      lines: row.shippingLines ?? [],
      city: row.shippingCity,
      postalCode: row.shippingPostalCode,
      phone: row.shippingPhone,
      country: row.shippingCountry,
      region: row.shippingRegion,
    },
    expiresAt: status === "reserved" ? row.expiresAt : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function readSummaries(db: Database, rows: OrderRow[], now: string): Promise<OrderSummary[]> {
  if (rows.length === 0) return [];
  const lines = await db
    .select({ orderId: orderLines.orderId, spiritId: orderLines.spiritId, quantity: orderLines.quantity })
    .from(orderLines)
    .where(
      inArray(
        orderLines.orderId,
        rows.map((r) => r.id),
      ),
    );
  return rows.map((row) => {
    const own = lines.filter((l) => l.orderId === row.id);
    return {
      ...summaryBase(row, now),
      itemCount: own.reduce((n, l) => n + l.quantity, 0),
      spiritIds: [...new Set(own.map((l) => l.spiritId))].sort(),
    };
  });
}
