import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";

export const ORDER_STATUSES = [
  "preordered",
  "reserved",
  "confirmed",
  "partially_shipped",
  "shipped",
  "delivered",
  "cancelled",
  "expired",
  "refunded",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * An order: stock is held for it (`reserved`, until `expiresAt`), paid (`confirmed`), `shipped`, then
 * `delivered`; or it ends `cancelled`, `expired` or, once money taken for it went back, `refunded`. A
 * pre-order (`preordered`) waits for the spirit's release. The moves between them are one table:
 * src/modules/orders/order-lifecycle.ts.
 */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => accounts.id),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    /** Placed as a pre-order (keeps counting against the pre-order allocation until cancelled). */
    preorder: integer("preorder", { mode: "boolean" }).notNull().default(false),
    currency: text("currency").notNull(),
    totalMinor: integer("total_minor").notNull(),
    shippingCountry: text("shipping_country").notNull(),
    shippingRegion: text("shipping_region"),
    /** The rest of the address (null on orders placed before addresses were taken). */
    shippingName: text("shipping_name"),
    /** The street lines, as a JSON array of 1 to 3 strings. */
    shippingLines: text("shipping_lines", { mode: "json" }).$type<string[]>(),
    shippingCity: text("shipping_city"),
    shippingPostalCode: text("shipping_postal_code"),
    shippingPhone: text("shipping_phone"),
    /** When the holds lapse (null while pre-ordered and once paid). */
    expiresAt: text("expires_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("orders_customer_idx").on(t.customerId, t.id),
    index("orders_status_idx").on(t.status, t.id),
    check("orders_total_nonneg", sql`${t.totalMinor} >= 0`),
  ],
);

/** One spirit (and optionally one batch) of an order, at the price it had when ordered. */
export const orderLines = sqliteTable(
  "order_lines",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    spiritId: text("spirit_id").notNull(),
    /** The batch the customer asked for, if any. */
    batchId: text("batch_id"),
    /** The variant ordered (a sample, a gift box); null for the spirit's standard unit. */
    variantId: text("variant_id"),
    quantity: integer("quantity").notNull(),
    unitPriceMinor: integer("unit_price_minor").notNull(),
    currency: text("currency").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [
    index("order_lines_order_idx").on(t.orderId),
    index("order_lines_spirit_idx").on(t.spiritId, t.orderId),
    check("order_lines_quantity_pos", sql`${t.quantity} > 0`),
  ],
);

/** Every status an order went through, with who moved it and why. */
export const orderStatusHistory = sqliteTable(
  "order_status_history",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    orderId: text("order_id").notNull(),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    actorId: text("actor_id"),
    note: text("note"),
    at: text("at").notNull(),
  },
  (t) => [index("order_status_history_order_idx").on(t.orderId, t.seq)],
);

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type OrderStatusHistoryRow = typeof orderStatusHistory.$inferSelect;

/** A parcel that left: the lines in it, the carrier and its tracking number. */
export const shipments = sqliteTable(
  "shipments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    carrier: text("carrier").notNull(),
    trackingNumber: text("tracking_number").notNull(),
    lineIds: text("line_ids", { mode: "json" }).$type<string[]>().notNull(),
    actorId: text("actor_id"),
    shippedAt: text("shipped_at").notNull(),
  },
  (t) => [index("shipments_order_idx").on(t.orderId, t.shippedAt)],
);

export type ShipmentRow = typeof shipments.$inferSelect;

/** Bottles that came back from the customer, line by line; restocked ones went back through the stock engine. */
export const orderReturns = sqliteTable(
  "order_returns",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    lineId: text("line_id").notNull(),
    quantity: integer("quantity").notNull(),
    bottleNumbers: text("bottle_numbers", { mode: "json" }).$type<number[]>().notNull(),
    restocked: integer("restocked", { mode: "boolean" }).notNull(),
    locationId: text("location_id"),
    reason: text("reason").notNull(),
    actorId: text("actor_id"),
    returnedAt: text("returned_at").notNull(),
  },
  (t) => [
    index("order_returns_order_idx").on(t.orderId, t.returnedAt),
    check("order_returns_quantity_pos", sql`${t.quantity} > 0`),
  ],
);

export type OrderReturnRow = typeof orderReturns.$inferSelect;
