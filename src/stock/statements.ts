/**
 * The guarded SQL pieces stock units are made of. Each returns a Guard (a condition over current rows)
 * or a Write (conditioned on `$ok`, see ledger.ts). Pure strings and arguments: no I/O here.
 */
import type { MovementKind } from "../db/schema/inventory.ts";
import type { Guard, SqlArgs, Write } from "./ledger.ts";

export type LevelKey = {
  spiritId: string;
  batchId: string | null;
  locationId: string;
  /** Absent or null: the spirit's standard unit (`variant_key` '', like `batch_key`). */
  variantId?: string | null;
};

// ---- guards ---------------------------------------------------------------------------------------

export const availableAtLeast = (levelId: string, n: number): Guard => ({
  reason: "sold-out",
  sql: "SELECT on_hand - reserved >= ? FROM inventory_levels WHERE id = ?",
  args: [n, levelId],
});

/** After changing on_hand by `delta`, the level still covers what is reserved. */
export const onHandCoversReserved = (levelId: string, delta: number): Guard => ({
  reason: "below-reserved",
  sql: "SELECT on_hand + ? >= reserved AND on_hand + ? >= 0 FROM inventory_levels WHERE id = ?",
  args: [delta, delta, levelId],
});

export const levelVersionIs = (levelId: string, version: number): Guard => ({
  reason: "stale-version",
  sql: "SELECT version = ? FROM inventory_levels WHERE id = ?",
  args: [version, levelId],
});

export const levelOnHandIs = (levelId: string, onHand: number): Guard => ({
  reason: "conflict",
  sql: "SELECT on_hand = ? FROM inventory_levels WHERE id = ?",
  args: [onHand, levelId],
});

export const levelExists = (levelId: string): Guard => ({
  reason: "conflict",
  sql: "SELECT EXISTS (SELECT 1 FROM inventory_levels WHERE id = ?)",
  args: [levelId],
});

export const levelKeyFree = (key: LevelKey): Guard => ({
  reason: "conflict",
  sql: "SELECT NOT EXISTS (SELECT 1 FROM inventory_levels WHERE spirit_id = ? AND location_id = ? AND batch_key = ? AND variant_key = ?)",
  args: [key.spiritId, key.locationId, key.batchId ?? "", key.variantId ?? ""],
});

/** The customer's total of the spirit plus `adding` stays within `limit`. */
export const withinCustomerLimit = (
  customerId: string,
  spiritId: string,
  adding: number,
  limit: number,
): Guard => ({
  reason: "limit-exceeded",
  sql: "SELECT COALESCE((SELECT quantity FROM customer_spirit_totals WHERE customer_id = ? AND spirit_id = ?), 0) + ? <= ?",
  args: [customerId, spiritId, adding, limit],
});

export const holdStatusIn = (
  holdId: string,
  statuses: readonly string[],
  reason = "hold-changed",
): Guard => ({
  reason,
  sql: `SELECT status IN (${statuses.map(() => "?").join(", ")}) FROM stock_holds WHERE id = ?`,
  args: [...statuses, holdId],
});

/** The hold has not lapsed at `now`. */
export const holdNotLapsed = (holdId: string, now: string): Guard => ({
  reason: "hold-expired",
  sql: "SELECT expires_at > ? FROM stock_holds WHERE id = ?",
  args: [now, holdId],
});

export const holdLapsed = (holdId: string, now: string): Guard => ({
  reason: "hold-changed",
  sql: "SELECT status = 'active' AND expires_at <= ? FROM stock_holds WHERE id = ?",
  args: [now, holdId],
});

export const preorderRoom = (spiritId: string, adding: number, allocation: number): Guard => ({
  reason: "allocation-exhausted",
  sql: "SELECT COALESCE((SELECT taken FROM preorder_counters WHERE spirit_id = ?), 0) + ? <= ?",
  args: [spiritId, adding, allocation],
});

export const claimStatusIs = (lineId: string, status: string): Guard => ({
  reason: "claim-changed",
  sql: "SELECT status = ? FROM preorder_claims WHERE line_id = ?",
  args: [status, lineId],
});

// ---- writes ---------------------------------------------------------------------------------------

export const insertLevel = (id: string, key: LevelKey, now: string): Write => ({
  sql: `INSERT INTO inventory_levels (id, spirit_id, batch_id, batch_key, variant_id, variant_key, location_id, on_hand, reserved, version, created_at, updated_at)
        SELECT ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ? WHERE $ok`,
  args: [
    id,
    key.spiritId,
    key.batchId,
    key.batchId ?? "",
    key.variantId ?? null,
    key.variantId ?? "",
    key.locationId,
    now,
    now,
  ],
});

export const changeLevel = (
  levelId: string,
  onHandDelta: number,
  reservedDelta: number,
  now: string,
): Write => ({
  sql: `UPDATE inventory_levels SET on_hand = on_hand + ?, reserved = reserved + ?, version = version + 1, updated_at = ?
        WHERE id = ? AND $ok`,
  args: [onHandDelta, reservedDelta, now, levelId],
});

export type MovementInput = {
  spiritId: string;
  levelId: string;
  batchId: string | null;
  locationId: string;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  actorId: string | null;
  reason?: string | null;
  orderId?: string | null;
  holdId?: string | null;
  operationId: string;
  at: string;
};

export const insertMovement = (m: MovementInput): Write => ({
  sql: `INSERT INTO stock_movements (spirit_id, level_id, batch_id, location_id, kind, on_hand_delta, reserved_delta,
          actor_id, reason, order_id, hold_id, operation_id, at)
        SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE $ok`,
  args: [
    m.spiritId,
    m.levelId,
    m.batchId,
    m.locationId,
    m.kind,
    m.onHandDelta,
    m.reservedDelta,
    m.actorId,
    m.reason ?? null,
    m.orderId ?? null,
    m.holdId ?? null,
    m.operationId,
    m.at,
  ],
});

export type HoldInput = {
  id: string;
  spiritId: string;
  levelId: string;
  batchId: string | null;
  variantId: string | null;
  locationId: string;
  orderId: string;
  lineId: string;
  customerId: string;
  quantity: number;
  createdAt: string;
  expiresAt: string;
};

export const insertHold = (h: HoldInput): Write => ({
  sql: `INSERT INTO stock_holds (id, spirit_id, level_id, batch_id, variant_id, location_id, order_id, line_id, customer_id,
          quantity, status, created_at, expires_at)
        SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ? WHERE $ok`,
  args: [
    h.id,
    h.spiritId,
    h.levelId,
    h.batchId,
    h.variantId,
    h.locationId,
    h.orderId,
    h.lineId,
    h.customerId,
    h.quantity,
    h.createdAt,
    h.expiresAt,
  ],
});

export const setHoldStatus = (holdId: string, status: string, now: string, closes: boolean): Write => ({
  sql: `UPDATE stock_holds SET status = ?${closes ? ", closed_at = ?" : ""} WHERE id = ? AND $ok`,
  args: closes ? [status, now, holdId] : [status, holdId],
});

/** Adds `delta` to the customer's total of the spirit, recording the limit in force when it grows. */
export const changeCustomerTotal = (
  customerId: string,
  spiritId: string,
  delta: number,
  limit: number | null,
  now: string,
): Write =>
  delta >= 0
    ? {
        sql: `INSERT INTO customer_spirit_totals (customer_id, spirit_id, quantity, max_quantity, updated_at)
              SELECT ?, ?, ?, ?, ? WHERE $ok
              ON CONFLICT (customer_id, spirit_id) DO UPDATE SET quantity = quantity + excluded.quantity,
                max_quantity = excluded.max_quantity, updated_at = excluded.updated_at`,
        args: [customerId, spiritId, delta, limit, now],
      }
    : {
        sql: `UPDATE customer_spirit_totals SET quantity = quantity + ?, updated_at = ?
              WHERE customer_id = ? AND spirit_id = ? AND $ok`,
        args: [delta, now, customerId, spiritId],
      };

export const changePreorderTaken = (
  spiritId: string,
  delta: number,
  allocation: number,
  now: string,
): Write =>
  delta >= 0
    ? {
        sql: `INSERT INTO preorder_counters (spirit_id, taken, allocation, updated_at) SELECT ?, ?, ?, ? WHERE $ok
              ON CONFLICT (spirit_id) DO UPDATE SET taken = taken + excluded.taken,
                allocation = excluded.allocation, updated_at = excluded.updated_at`,
        args: [spiritId, delta, allocation, now],
      }
    : {
        sql: "UPDATE preorder_counters SET taken = taken + ?, updated_at = ? WHERE spirit_id = ? AND $ok",
        args: [delta, now, spiritId],
      };

export type ClaimInput = {
  spiritId: string;
  orderId: string;
  lineId: string;
  customerId: string;
  batchId: string | null;
  variantId?: string | null;
  quantity: number;
  now: string;
};

export const insertClaim = (c: ClaimInput): Write => ({
  sql: `INSERT INTO preorder_claims (spirit_id, order_id, line_id, customer_id, batch_id, variant_id, quantity, status, created_at, updated_at)
        SELECT ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ? WHERE $ok`,
  args: [
    c.spiritId,
    c.orderId,
    c.lineId,
    c.customerId,
    c.batchId,
    c.variantId ?? null,
    c.quantity,
    c.now,
    c.now,
  ],
});

export const setClaimStatus = (lineId: string, status: string, now: string): Write => ({
  sql: "UPDATE preorder_claims SET status = ?, updated_at = ? WHERE line_id = ? AND $ok",
  args: [status, now, lineId],
});

// ---- bottle serials -------------------------------------------------------------------------------

/** Registers numbered bottles `from..to` of a batch at a location (a receive of a limited batch). */
export const registerSerials = (
  batchId: string,
  locationId: string,
  from: number,
  to: number,
  now: string,
): Write => ({
  sql: `WITH RECURSIVE n(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM n WHERE x < ?)
        INSERT INTO bottle_serials (batch_id, number, location_id, status, hold_id, updated_at)
        SELECT ?, x, ?, 'in_stock', NULL, ? FROM n WHERE $ok`,
  args: [from, to, batchId, locationId, now],
});

export const serialsFree = (batchId: string, from: number, to: number): Guard => ({
  reason: "serials-taken",
  sql: "SELECT NOT EXISTS (SELECT 1 FROM bottle_serials WHERE batch_id = ? AND number BETWEEN ? AND ?)",
  args: [batchId, from, to],
});

/** The numbered bottles were shipped by this order (and not yet returned). */
export const serialsShippedBy = (orderId: string, batchId: string, numbers: number[]): Guard => ({
  reason: "serials-taken",
  sql: `SELECT count(*) = ? FROM bottle_serials b JOIN stock_holds h ON h.id = b.hold_id
        WHERE h.order_id = ? AND b.batch_id = ? AND b.status = 'shipped'
          AND b.number IN (SELECT value FROM json_each(?))`,
  args: [numbers.length, orderId, batchId, JSON.stringify(numbers)],
});

/** Returned numbered bottles are in stock again, at the location they came back to. */
export const returnSerials = (
  batchId: string,
  locationId: string,
  numbers: number[],
  now: string,
): Write => ({
  sql: `UPDATE bottle_serials SET status = 'in_stock', hold_id = NULL, location_id = ?, updated_at = ?
        WHERE batch_id = ? AND status = 'shipped' AND number IN (SELECT value FROM json_each(?)) AND $ok`,
  args: [locationId, now, batchId, JSON.stringify(numbers)],
});

const freeSerials = (order: "ASC" | "DESC") =>
  `SELECT rowid FROM bottle_serials WHERE batch_id = ? AND location_id = ? AND status = 'in_stock' ORDER BY number ${order} LIMIT ?`;

/** Moves the lowest-numbered free bottles of a batch to another location (a transfer). */
export const moveSerials = (batchId: string, from: string, to: string, n: number, now: string): Write => ({
  sql: `UPDATE bottle_serials SET location_id = ?, updated_at = ? WHERE $ok AND rowid IN (${freeSerials("ASC")})`,
  args: [to, now, batchId, from, n],
});

/** Marks the highest-numbered free bottles as gone (an adjustment or count downwards). */
export const removeSerials = (batchId: string, locationId: string, n: number, now: string): Write => ({
  sql: `UPDATE bottle_serials SET status = 'removed', updated_at = ? WHERE $ok AND rowid IN (${freeSerials("DESC")})`,
  args: [now, batchId, locationId, n],
});

/** Gives a committed hold the lowest-numbered free bottles at its level. */
export const assignSerials = (
  holdId: string,
  batchId: string,
  locationId: string,
  n: number,
  now: string,
): Write => ({
  sql: `UPDATE bottle_serials SET status = 'assigned', hold_id = ?, updated_at = ? WHERE $ok AND rowid IN (${freeSerials("ASC")})`,
  args: [holdId, now, batchId, locationId, n],
});

export const shipSerials = (holdId: string, now: string): Write => ({
  sql: "UPDATE bottle_serials SET status = 'shipped', updated_at = ? WHERE hold_id = ? AND status = 'assigned' AND $ok",
  args: [now, holdId],
});

export const freeHoldSerials = (holdId: string, now: string): Write => ({
  sql: "UPDATE bottle_serials SET status = 'in_stock', hold_id = NULL, updated_at = ? WHERE hold_id = ? AND status = 'assigned' AND $ok",
  args: [now, holdId],
});

/** A write for callers that bring their own conditioned SQL (orders attach their rows this way). */
export const write = (sql: string, args: SqlArgs = []): Write => ({ sql, args });
export const guard = (reason: string, sql: string, args: SqlArgs = []): Guard => ({ reason, sql, args });
