import { and, eq, type SQL } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { readCache } from "../../db/read-cache.ts";
import {
  type InventoryAuditRow,
  inventoryAudits,
  type StockMovementRow,
  stockMovements,
} from "../../db/schema/inventory.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { auditStock, type StockAuditReport } from "../../stock/audit.ts";
import { type Availability, stockStatusOf } from "../../stock/availability.ts";
import type { StaffStockRequest, StockRefusal } from "../../stock/coordinator.ts";
import type { StockChanged } from "../../stock/events.ts";
import { readSnapshot } from "../../stock/ledger.ts";
import { snapshotFrom, snapshotReads } from "../../stock/spirit-state.ts";
import type { Audit, Inventory, MovementQuery, StockChange } from "./inventory.schemas.ts";
import { availabilityOf } from "./kept-availability.ts";
import { checkReceivingLimits } from "./receiving-limits.ts";
import { importStockCsv, stockCsvPages } from "./stock-csv.ts";

/** What the inventory module needs from other modules (built in services.ts). */
export interface InventoryPorts {
  spiritExists(id: string): Promise<boolean>;
  batchExists(spiritId: string, batchId: string): Promise<boolean>;
  /** The status of the spirit's own variant (`active`, `retired`); undefined for another spirit's. */
  variantStatus(spiritId: string, variantId: string): Promise<string | undefined>;
  locationExists(id: string): Promise<boolean>;
  /** Names of locations by id, for display (unknown ones are simply left out). */
  locationNames(): Promise<Map<string, string>>;
  /** Calls back with each spirit whose row was written (its status is part of the stock view). */
  onSpiritChange(listener: (spiritId: string) => void): () => void;
  /** Calls back after each write of a location (their names are part of the stock view). */
  onLocationsChange(listener: () => void): () => void;
}

const MOVEMENTS: Sort<StockMovementRow> = {
  name: "ledger",
  keys: [{ column: stockMovements.seq, direction: "desc", value: (r) => r.seq }],
};

const AUDITS: Sort<InventoryAuditRow> = {
  name: "audits",
  keys: [
    { column: inventoryAudits.startedAt, direction: "desc", value: (r) => r.startedAt },
    { column: inventoryAudits.id, direction: "desc", value: (r) => r.id },
  ],
};

const spiritNotFound = (id: string) => new DomainError("not-found", `Spirit ${id} was not found.`);

function refusalProblem(r: StockRefusal): DomainError {
  switch (r.code) {
    case "stale-version":
      return new DomainError("stale-version", r.detail, {
        title: "Stale version",
        extra: r.extra,
      });
    case "below-reserved":
      return new DomainError("below-reserved", r.detail, { extra: r.extra });
    case "insufficient-stock":
      return new DomainError("insufficient-stock", r.detail, { extra: r.extra });
    case "serials-taken":
      return new DomainError(
        "serials-taken",
        "Some of those bottle numbers are already registered for this batch.",
      );
    case "unknown-level":
      return new DomainError("unknown-level", r.detail, {
        errors: [{ path: "locationId", message: "has no stock of this spirit (and batch)" }],
      });
    default:
      return new DomainError("stock-conflict", "The stock changed meanwhile; read it again and retry.");
  }
}

function auditView(row: InventoryAuditRow): Audit {
  const report = row.report as unknown as StockAuditReport;
  return {
    id: row.id,
    trigger: row.trigger,
    actorId: row.actorId,
    clean: row.clean,
    levelsChecked: row.levelsChecked,
    movementsChecked: report.movementsChecked,
    activeHolds: report.activeHolds,
    lapsedHolds: report.lapsedHolds,
    discrepancies: report.discrepancies,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

export function createInventoryService(deps: Deps, ports: InventoryPorts) {
  const { db, clock, stock, client } = deps;

  /** The view, and when the spirit's next active hold lapses (the view changes then without a write). */
  async function readView(
    spiritId: string,
    staff: boolean,
  ): Promise<{ inventory: Inventory; nextExpiry: string | null }> {
    const now = clock.now().toISOString();
    const { event, levels, nextExpiry } = snapshotFrom(
      spiritId,
      now,
      await readSnapshot(client, snapshotReads(spiritId, now)),
    );
    const names = await ports.locationNames();
    // By location name (then id), as people read them; levels then by batch.
    const place = (id: string) => `${names.get(id) ?? ""}\u0000${id}`;
    const inventory: Inventory = {
      spiritId,
      status: event.status,
      available: event.available,
      stockStatus: stockStatusOf(levels.length, event.available),
      byLocation: event.byLocation
        .map((l) => ({ ...l, locationName: names.get(l.locationId) ?? null }))
        .sort((a, b) => place(a.locationId).localeCompare(place(b.locationId))),
    };
    if (!staff) return { inventory, nextExpiry };
    const sorted = [...levels].sort(
      (a, b) =>
        place(a.locationId).localeCompare(place(b.locationId)) ||
        (a.batchId ?? "").localeCompare(b.batchId ?? "") ||
        (a.variantId ?? "").localeCompare(b.variantId ?? ""),
    );
    return { inventory: { ...inventory, version: event.version, levels: sorted }, nextExpiry };
  }

  const view = async (spiritId: string, staff: boolean) => (await readView(spiritId, staff)).inventory;

  /**
   * Hot stock views (READ_CACHE_MS; off at 0 and always on Workers, where holds commit in other isolates'
   * Durable Objects). Exact within this process: the coordinator publishes every committed change of a
   * spirit's stock (holds, orders, cancellations, receipts, counts, expiries) before the write answers, and
   * that drops the spirit's views; so do writes of the spirit (its status) and of locations (their names).
   * A view also ends when the spirit's next hold lapses, since readers count a lapsed hold as released
   * before the reaper has run.
   */
  const hotStock =
    deps.config.READ_CACHE_MS > 0
      ? readCache<string, { inventory: Inventory; until: number }>({
          shareLoads: deps.sharedReads ?? false,
          ttlMs: deps.config.READ_CACHE_MS,
          maxEntries: 10_000,
        })
      : undefined;
  if (hotStock) {
    const forgetSpirit = (spiritId: string) =>
      hotStock.deleteWhere((key) => key === `${spiritId}|public` || key === `${spiritId}|staff`);
    deps.stockEvents.subscribeAll((event) => forgetSpirit(event.spiritId));
    ports.onSpiritChange(forgetSpirit);
    ports.onLocationsChange(() => hotStock.clear());
  }

  async function loadInventory(spiritId: string, staff: boolean) {
    if (!(await ports.spiritExists(spiritId))) throw spiritNotFound(spiritId);
    return readView(spiritId, staff);
  }

  async function getInventory(spiritId: string, staff: boolean): Promise<Inventory> {
    if (!hotStock) return (await loadInventory(spiritId, staff)).inventory;
    const key = `${spiritId}|${staff ? "staff" : "public"}`;
    const load = async () => {
      const { inventory, nextExpiry } = await loadInventory(spiritId, staff);
      return { inventory, until: nextExpiry ? Date.parse(nextExpiry) : Number.POSITIVE_INFINITY };
    };
    // The clock is the service's (tests move it); the cache's own lifetime runs on real time.
    const hit = await hotStock.get(key, load);
    if (hit.until > clock.now().getTime()) return hit.inventory;
    hotStock.delete(key);
    return (await hotStock.get(key, load)).inventory;
  }

  /** Bottles available and stock status of each spirit, for a listed page: one query, whatever its size. */
  async function availability(spiritIds: string[]): Promise<Map<string, Availability>> {
    return availabilityOf(client, spiritIds, clock.now().toISOString());
  }

  /** The spirit's current stock message (what the coordinator publishes), for broadcasters that join late. */
  async function stockSnapshot(spiritId: string): Promise<StockChanged> {
    return stock.snapshot(spiritId);
  }

  /** A returned bottle names its order: the order's id only has to exist (the stock tables hold no FK). */
  const orderExists = async (id: string) =>
    (await client.execute({ sql: "SELECT 1 FROM orders WHERE id = ?", args: [id] })).rows.length > 0;

  async function validate(spiritId: string, change: StockChange) {
    if (!(await ports.spiritExists(spiritId))) throw spiritNotFound(spiritId);
    const errors: { path: string; message: string }[] = [];
    const locations =
      change.type === "transfer"
        ? [
            ["fromLocationId", change.fromLocationId],
            ["toLocationId", change.toLocationId],
          ]
        : [["locationId", change.locationId]];
    for (const [path, id] of locations) {
      if (!(await ports.locationExists(id!))) errors.push({ path: path!, message: `no location ${id}` });
    }
    if (change.batchId && !(await ports.batchExists(spiritId, change.batchId))) {
      errors.push({ path: "batchId", message: `no batch ${change.batchId} of this spirit` });
    }
    const variantStatus = change.variantId && (await ports.variantStatus(spiritId, change.variantId));
    if (change.variantId && !variantStatus) {
      throw new DomainError("unknown-variant", `Spirit ${spiritId} has no variant ${change.variantId}.`, {
        errors: [{ path: "variantId", message: `no variant ${change.variantId} of this spirit` }],
        extra: { variantId: change.variantId },
      });
    }
    // Stock of a retired variant can still be counted, corrected, moved and given back; none comes in.
    if (variantStatus === "retired" && change.type === "receive") {
      throw new DomainError(
        "variant-retired",
        `Variant ${change.variantId} is retired: it takes no new stock. Reactivate it first.`,
        { extra: { variantId: change.variantId } },
      );
    }
    if (change.type === "return" && change.orderId && !(await orderExists(change.orderId))) {
      errors.push({ path: "orderId", message: `no order ${change.orderId}` });
    }
    if ((change.type === "adjust" || change.type === "count") && change.auditId) {
      const audit = await db.query.inventoryAudits.findFirst({
        where: eq(inventoryAudits.id, change.auditId),
      });
      if (!audit) errors.push({ path: "auditId", message: `no audit ${change.auditId}` });
    }
    if (errors.length) {
      throw new DomainError(
        "validation",
        `The operation names ${errors.length} unknown thing${errors.length === 1 ? "" : "s"}.`,
        { errors },
      );
    }
    if (change.type === "receive") await checkReceivingLimits(client, spiritId, change);
  }

  /** One typed staff operation on the spirit's stock, through its coordinator queue. */
  async function applyChange(spiritId: string, actorId: string | null, change: StockChange) {
    await validate(spiritId, change);
    const common = {
      spiritId,
      actorId,
      reason: change.reason ?? null,
      batchId: change.batchId ?? null,
      variantId: change.variantId ?? null,
      ...(change.expectedVersion !== undefined ? { expectedVersion: change.expectedVersion } : {}),
    };
    let request: StaffStockRequest;
    switch (change.type) {
      case "receive":
        request = {
          ...common,
          type: "receive",
          locationId: change.locationId,
          quantity: change.quantity,
          ...(change.serials ? { serials: change.serials } : {}),
        };
        break;
      case "return":
        request = {
          ...common,
          type: "receive",
          locationId: change.locationId,
          quantity: change.quantity,
          returned: { orderId: change.orderId ?? null },
        };
        break;
      case "adjust":
        request = {
          ...common,
          type: "adjust",
          locationId: change.locationId,
          delta: change.delta,
          ...(change.auditId ? { auditId: change.auditId } : {}),
        };
        break;
      case "transfer":
        request = {
          ...common,
          type: "transfer",
          fromLocationId: change.fromLocationId,
          toLocationId: change.toLocationId,
          quantity: change.quantity,
        };
        break;
      case "count":
        request = {
          ...common,
          type: "count",
          locationId: change.locationId,
          counted: change.counted,
          ...(change.auditId ? { auditId: change.auditId } : {}),
        };
        break;
    }
    const outcome = await stock.submit(request);
    if (!outcome.ok) throw refusalProblem(outcome);
    return { ...(await view(spiritId, true)), changed: outcome.levels };
  }

  async function listMovements(spiritId: string, q: MovementQuery) {
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
        db
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

  /** Checks every level against the ledger and the holds, stores the report. Never fixes anything. */
  async function runAudit(trigger: "manual" | "scheduled", actorId: string | null): Promise<Audit> {
    const startedAt = clock.now().toISOString();
    const report = await auditStock(client, startedAt);
    const row: InventoryAuditRow = {
      id: newId("sau"),
      actorId,
      trigger,
      clean: report.discrepancies.length === 0,
      levelsChecked: report.levelsChecked,
      discrepancyCount: report.discrepancies.length,
      report: report as unknown as Record<string, unknown>,
      startedAt,
      finishedAt: clock.now().toISOString(),
    };
    await db.insert(inventoryAudits).values(row);
    if (!row.clean) {
      deps.logger.log("error", {
        msg: "stock audit found discrepancies",
        auditId: row.id,
        count: row.discrepancyCount,
      });
    }
    return auditView(row);
  }

  async function getAudit(id: string): Promise<Audit> {
    const row = await db.query.inventoryAudits.findFirst({ where: eq(inventoryAudits.id, id) });
    if (!row) throw new DomainError("not-found", `Audit ${id} was not found.`);
    return auditView(row);
  }

  async function listAudits(q: { limit: number; cursor?: string | undefined }) {
    const where = q.cursor ? afterCursor(AUDITS, decodeCursor(AUDITS, q.cursor)) : undefined;
    return page(
      AUDITS,
      q.limit,
      (n) =>
        db
          .select()
          .from(inventoryAudits)
          .where(where)
          .orderBy(...orderByOf(AUDITS))
          .limit(n),
      auditView,
    );
  }

  /** A stock-take from CSV (stock-csv.ts): all of it through the stock engine, or nothing. */
  const importCsv = (text: string, options: { dryRun: boolean; actorId: string | null }) =>
    importStockCsv({ client, stock, locationExists: ports.locationExists }, text, options);

  return {
    getInventory,
    availability,
    stockSnapshot,
    applyChange,
    listMovements,
    runAudit,
    getAudit,
    listAudits,
    importCsv,
    exportCsvPages: () => stockCsvPages(client),
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
