import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { batches, spirits } from "./catalog.ts";

/**
 * Stock of one spirit × variant × batch × location. `reserved` counts bottles held for orders (active and
 * committed holds); the CHECK constraints are the last line of defence behind the ledger's guards.
 */
export const inventoryLevels = sqliteTable(
  "inventory_levels",
  {
    id: text("id").primaryKey(),
    spiritId: text("spirit_id")
      .notNull()
      .references(() => spirits.id),
    /** Null for stock that is not tracked by batch. */
    batchId: text("batch_id").references(() => batches.id),
    /** `batchId` or '' (SQLite treats NULLs as distinct in unique indexes, so the key needs a value). */
    batchKey: text("batch_key").notNull().default(""),
    /** The spirit's variant (spirit_variants) this stock is of; null for the spirit's standard unit. */
    variantId: text("variant_id"),
    /** `variantId` or '' (the same trick as `batchKey`). */
    variantKey: text("variant_key").notNull().default(""),
    locationId: text("location_id").notNull(),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    /** Grows with every change of this level: the compare-and-set token of staff operations. */
    version: integer("version").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("inventory_levels_key_uq").on(t.spiritId, t.locationId, t.batchKey, t.variantKey),
    check("inventory_levels_on_hand_nonneg", sql`${t.onHand} >= 0`),
    check("inventory_levels_reserved_range", sql`${t.reserved} >= 0 AND ${t.reserved} <= ${t.onHand}`),
  ],
);

export const MOVEMENT_KINDS = [
  "receive",
  "adjust",
  "transfer_out",
  "transfer_in",
  "count",
  "hold",
  "release",
  "expire",
  "commit",
  "ship",
  "return",
  "audit_correction",
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/**
 * The append-only movement ledger: one row per change of a level (and the zero-delta `commit` rows that
 * record a hold becoming a sale). Summing the deltas of a level gives its on-hand and reserved counts.
 * Triggers in a custom migration refuse UPDATE and DELETE.
 */
export const stockMovements = sqliteTable(
  "stock_movements",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    spiritId: text("spirit_id").notNull(),
    levelId: text("level_id").notNull(),
    batchId: text("batch_id"),
    locationId: text("location_id").notNull(),
    kind: text("kind", { enum: MOVEMENT_KINDS }).notNull(),
    onHandDelta: integer("on_hand_delta").notNull(),
    reservedDelta: integer("reserved_delta").notNull(),
    /** The account that caused it; null for the system (reaper, audits). */
    actorId: text("actor_id"),
    reason: text("reason"),
    orderId: text("order_id"),
    holdId: text("hold_id"),
    /** Ties together the rows of one operation (both legs of a transfer, one order's holds). */
    operationId: text("operation_id"),
    at: text("at").notNull(),
  },
  (t) => [
    // No index by level: only the audit reads movements by level, and it reads them all. Each index is a
    // page more that every hold writes (bench/order-path.ts header).
    index("stock_movements_spirit_idx").on(t.spiritId, t.seq),
  ],
);

export const HOLD_STATUSES = ["active", "committed", "shipped", "released", "expired"] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

/**
 * Bottles set aside on one level for one order line. `active` holds lapse at `expiresAt`; `committed`
 * ones are paid for and wait to ship. Both count in the level's `reserved`.
 */
export const stockHolds = sqliteTable(
  "stock_holds",
  {
    id: text("id").primaryKey(),
    spiritId: text("spirit_id").notNull(),
    levelId: text("level_id").notNull(),
    batchId: text("batch_id"),
    /** The level's variant (null: the standard unit). */
    variantId: text("variant_id"),
    locationId: text("location_id").notNull(),
    orderId: text("order_id").notNull(),
    lineId: text("line_id").notNull(),
    customerId: text("customer_id").notNull(),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: HOLD_STATUSES }).notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    closedAt: text("closed_at"),
  },
  (t) => [
    // Holds of a level are found through their spirit (stock_holds_spirit_idx, then the level compared):
    // an index by level was one more page written by every hold.
    index("stock_holds_expiry_idx").on(t.status, t.expiresAt),
    index("stock_holds_spirit_idx").on(t.spiritId, t.status, t.expiresAt),
    index("stock_holds_order_idx").on(t.orderId),
    check("stock_holds_quantity_pos", sql`${t.quantity} > 0`),
  ],
);

/**
 * How many bottles of a spirit a customer has in non-cancelled orders. The hold that would take a customer
 * past the spirit's limit is refused by a guard in the same atomic write; the CHECK is the last line.
 */
export const customerSpiritTotals = sqliteTable(
  "customer_spirit_totals",
  {
    customerId: text("customer_id").notNull(),
    spiritId: text("spirit_id").notNull(),
    quantity: integer("quantity").notNull().default(0),
    /** The limit in force at the last increase (null: no limit). */
    maxQuantity: integer("max_quantity"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.spiritId] }),
    check(
      "customer_spirit_totals_range",
      sql`${t.quantity} >= 0 AND (${t.maxQuantity} IS NULL OR ${t.quantity} <= ${t.maxQuantity})`,
    ),
  ],
);

/** Pre-ordered bottles of an announced spirit, first come first served up to its allocation. */
export const preorderCounters = sqliteTable(
  "preorder_counters",
  {
    spiritId: text("spirit_id").primaryKey(),
    taken: integer("taken").notNull().default(0),
    allocation: integer("allocation").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [check("preorder_counters_range", sql`${t.taken} >= 0 AND ${t.taken} <= ${t.allocation}`)],
);

export const PREORDER_CLAIM_STATUSES = ["waiting", "converted", "cancelled"] as const;

/**
 * One pre-ordered line, in arrival order (`seq`): `waiting` for the release, then `converted` into holds,
 * or `cancelled`. Waiting and converted claims count against the allocation.
 */
export const preorderClaims = sqliteTable(
  "preorder_claims",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    spiritId: text("spirit_id").notNull(),
    orderId: text("order_id").notNull(),
    lineId: text("line_id").notNull(),
    customerId: text("customer_id").notNull(),
    batchId: text("batch_id"),
    variantId: text("variant_id"),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: PREORDER_CLAIM_STATUSES }).notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("preorder_claims_line_uq").on(t.lineId),
    index("preorder_claims_spirit_idx").on(t.spiritId, t.status, t.seq),
    index("preorder_claims_order_idx").on(t.orderId),
    check("preorder_claims_quantity_pos", sql`${t.quantity} > 0`),
  ],
);

export const SERIAL_STATUSES = ["in_stock", "assigned", "shipped", "removed"] as const;

/** Numbered bottles of a limited batch ("bottle 23 of 240"), where each one is and which hold it went to. */
export const bottleSerials = sqliteTable(
  "bottle_serials",
  {
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    number: integer("number").notNull(),
    locationId: text("location_id").notNull(),
    status: text("status", { enum: SERIAL_STATUSES }).notNull(),
    holdId: text("hold_id"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.number] }),
    index("bottle_serials_free_idx").on(t.batchId, t.locationId, t.status, t.number),
    index("bottle_serials_hold_idx").on(t.holdId),
    check("bottle_serials_number_pos", sql`${t.number} > 0`),
  ],
);

/**
 * Scratch rows of the ledger: each operation in a batch gets one, guards clear its `ok`, and its writes
 * only apply while `ok` is 1. Rows live only inside one batch (deleted before it commits).
 */
export const stockOpSlots = sqliteTable("stock_op_slots", {
  id: text("id").primaryKey(),
  ok: integer("ok").notNull(),
  reason: text("reason"),
});

/** Stored results of stock audits; a discrepancy is reported, never fixed silently. */
export const inventoryAudits = sqliteTable(
  "inventory_audits",
  {
    id: text("id").primaryKey(),
    actorId: text("actor_id"),
    trigger: text("trigger", { enum: ["manual", "scheduled"] }).notNull(),
    clean: integer("clean", { mode: "boolean" }).notNull(),
    levelsChecked: integer("levels_checked").notNull(),
    discrepancyCount: integer("discrepancy_count").notNull(),
    report: text("report", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at").notNull(),
  },
  (t) => [index("inventory_audits_started_idx").on(t.startedAt)],
);

export type InventoryLevelRow = typeof inventoryLevels.$inferSelect;
export type StockMovementRow = typeof stockMovements.$inferSelect;
export type StockHoldRow = typeof stockHolds.$inferSelect;
export type InventoryAuditRow = typeof inventoryAudits.$inferSelect;
