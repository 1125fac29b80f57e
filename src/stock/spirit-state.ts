/**
 * What the coordinator knows about a spirit while it plans a group: read in one snapshot before the group,
 * then updated in memory as each operation is planned, so the allocation of the tenth buyer in a group
 * takes the first nine into account. The database still has the last word: every planned write is guarded.
 */
import type { Client, InStatement, ResultSet } from "@libsql/client";
import type { BatchLevelView, StockChanged, StockLevelView } from "./events.ts";
import { num, readSnapshot, str, strOrNull } from "./ledger.ts";

export type LevelState = {
  id: string;
  batchId: string | null;
  /** Null: the spirit's standard unit. */
  variantId: string | null;
  locationId: string;
  onHand: number;
  reserved: number;
  version: number;
};

export type HoldState = {
  id: string;
  levelId: string;
  batchId: string | null;
  locationId: string;
  orderId: string;
  customerId: string;
  quantity: number;
  status: string;
  expiresAt: string;
};

export type SpiritState = {
  spiritId: string;
  now: string;
  levels: LevelState[];
  /** Customers' totals of the spirit (only for the customers the group needs). */
  totals: Map<string, number>;
  preorderTaken: number;
  /** Active holds that have lapsed at `now`. */
  dueHolds: HoldState[];
  /** Live holds of the orders the group releases. */
  orderHolds: Map<string, HoldState[]>;
};

const levelColumns = "id, batch_id, variant_id, location_id, on_hand, reserved, version";
const holdColumns =
  "id, level_id, batch_id, location_id, order_id, customer_id, quantity, status, expires_at";

const levelOf = (r: Record<string, unknown>): LevelState => ({
  id: str(r.id),
  batchId: strOrNull(r.batch_id),
  variantId: strOrNull(r.variant_id),
  locationId: str(r.location_id),
  onHand: num(r.on_hand),
  reserved: num(r.reserved),
  version: num(r.version),
});

const holdOf = (r: Record<string, unknown>): HoldState => ({
  id: str(r.id),
  levelId: str(r.level_id),
  batchId: strOrNull(r.batch_id),
  locationId: str(r.location_id),
  orderId: str(r.order_id),
  customerId: str(r.customer_id),
  quantity: num(r.quantity),
  status: str(r.status),
  expiresAt: str(r.expires_at),
});

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** Reads the state a group needs, in one read batch. */
export async function readSpiritState(
  client: Client,
  spiritId: string,
  now: string,
  customerIds: string[],
  releasingOrderIds: string[],
): Promise<SpiritState> {
  const reads: InStatement[] = [
    {
      sql: `SELECT ${levelColumns} FROM inventory_levels WHERE spirit_id = ? ORDER BY location_id, batch_key, variant_key`,
      args: [spiritId],
    },
    {
      sql: `SELECT ${holdColumns} FROM stock_holds WHERE spirit_id = ? AND status = 'active' AND expires_at <= ?`,
      args: [spiritId, now],
    },
    { sql: "SELECT taken FROM preorder_counters WHERE spirit_id = ?", args: [spiritId] },
  ];
  if (customerIds.length) {
    reads.push({
      sql: `SELECT customer_id, quantity FROM customer_spirit_totals WHERE spirit_id = ? AND customer_id IN (${placeholders(customerIds.length)})`,
      args: [spiritId, ...customerIds],
    });
  }
  if (releasingOrderIds.length) {
    reads.push({
      sql: `SELECT ${holdColumns} FROM stock_holds WHERE spirit_id = ? AND status IN ('active', 'committed') AND order_id IN (${placeholders(releasingOrderIds.length)})`,
      args: [spiritId, ...releasingOrderIds],
    });
  }
  const [levels, due, preorder, ...rest] = (await readSnapshot(client, reads)) as ResultSet[];
  const totals = new Map<string, number>();
  let next = 0;
  if (customerIds.length) {
    for (const r of rest[next++]!.rows) totals.set(str(r.customer_id), num(r.quantity));
  }
  const dueHolds = due!.rows.map((r) => holdOf(r));
  const dueById = new Map(dueHolds.map((h) => [h.id, h]));
  const orderHolds = new Map<string, HoldState[]>();
  if (releasingOrderIds.length) {
    for (const r of rest[next++]!.rows) {
      // Share the object with dueHolds so expiring it first is seen by a release in the same group.
      const h = dueById.get(str(r.id)) ?? holdOf(r);
      const list = orderHolds.get(h.orderId) ?? [];
      list.push(h);
      orderHolds.set(h.orderId, list);
    }
  }
  return {
    spiritId,
    now,
    levels: levels!.rows.map((r) => levelOf(r)),
    totals,
    preorderTaken: num(preorder!.rows[0]?.taken),
    dueHolds,
    orderHolds,
  };
}

/**
 * The read that turns the committed state into a stock message (appended to a write batch, or alone): ONE
 * statement, a row per level (or a single row of NULL levels when the spirit has none), each carrying the
 * spirit's status and its next hold expiry (uncorrelated, so computed once). Three statements before: two
 * more statement starts in every commit of a hold.
 */
export function snapshotReads(spiritId: string, now: string): InStatement[] {
  return [
    {
      // Lapsed holds still in `reserved` (the reaper has not run yet) count as released for readers.
      sql: `SELECT s.status AS spirit_status,
              (SELECT min(expires_at) FROM stock_holds WHERE spirit_id = ?1 AND status = 'active') AS next,
              l.id, l.batch_id, l.variant_id, l.location_id, l.on_hand, l.reserved, l.version,
              COALESCE((SELECT SUM(h.quantity) FROM stock_holds h
                        WHERE h.spirit_id = ?1 AND h.status = 'active' AND h.expires_at <= ?2
                          AND h.level_id = l.id), 0) AS lapsed
            FROM (SELECT ?1 AS id) x
            LEFT JOIN spirits s ON s.id = x.id
            LEFT JOIN inventory_levels l ON l.spirit_id = x.id
            ORDER BY l.location_id, l.batch_key, l.variant_key`,
      args: [spiritId, now],
    },
  ];
}

export type SnapshotLevel = Omit<BatchLevelView, "variantId"> & {
  levelId: string;
  variantId: string | null;
  version: number;
};

/** The staff's view of the spirit's levels (with each level's version) and the public stock message. */
export function snapshotFrom(
  spiritId: string,
  at: string,
  [snapshot]: ResultSet[],
): { event: StockChanged; levels: SnapshotLevel[]; nextExpiry: string | null; lapsed: number } {
  const first = snapshot!.rows[0];
  let lapsed = 0;
  const rows: SnapshotLevel[] = snapshot!.rows
    .filter((r) => r.id !== null && r.id !== undefined)
    .map((r) => {
      const onHand = num(r.on_hand);
      lapsed += num(r.lapsed);
      const reserved = num(r.reserved) - num(r.lapsed);
      return {
        levelId: str(r.id),
        batchId: strOrNull(r.batch_id),
        variantId: strOrNull(r.variant_id),
        locationId: str(r.location_id),
        onHand,
        reserved,
        available: onHand - reserved,
        version: num(r.version),
      };
    });
  const byLocation = new Map<string, number>();
  for (const l of rows) byLocation.set(l.locationId, (byLocation.get(l.locationId) ?? 0) + l.available);
  const locations: StockLevelView[] = [...byLocation].map(([locationId, available]) => ({
    locationId,
    available,
  }));
  const event: StockChanged = {
    spiritId,
    // Every change bumps the version of each level it touches and levels are never deleted, so the sum
    // of the levels' versions grows with every committed change of the spirit: its stock version.
    version: rows.reduce((n, l) => n + l.version, 0),
    available: rows.reduce((s, l) => s + l.available, 0),
    byLocation: locations,
    byBatch: rows.map(({ batchId, variantId, locationId, onHand, reserved, available }) => ({
      batchId,
      ...(variantId ? { variantId } : {}),
      locationId,
      onHand,
      reserved,
      available,
    })),
    status: String(first?.spirit_status ?? "unknown"),
    at,
  };
  return { event, levels: rows, nextExpiry: strOrNull(first?.next), lapsed };
}
