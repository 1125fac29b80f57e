/**
 * The inventory module's operations, bound to one context. Each lives in the file of its concern, as a
 * plain function taking the context: stock-views.ts (a spirit's stock view and its hot copies),
 * stock-changes.ts (staff's operations), movements.ts (the ledger), audits.ts, stock-csv.ts.
 */
import type { Deps } from "../../deps.ts";
import type { Availability } from "../../stock/availability.ts";
import type { StockChanged } from "../../stock/events.ts";
import { getAudit, listAudits, runAudit } from "./audits.ts";
import type { InventoryContext, InventoryPorts } from "./inventory.context.ts";
import type { MovementQuery, StockChange } from "./inventory.schemas.ts";
import { availabilityOf } from "./kept-availability.ts";
import { listMovements } from "./movements.ts";
import { applyChange } from "./stock-changes.ts";
import { importStockCsv, stockCsvPages } from "./stock-csv.ts";
import { freeStandardBottles, getInventory, hotStockViews } from "./stock-views.ts";

export type { InventoryPorts };

export function createInventoryService(deps: Deps, ports: InventoryPorts) {
  const ctx: InventoryContext = { deps, ports, hotStock: hotStockViews(deps, ports) };
  const { client, clock, stock } = deps;
  return {
    getInventory: (spiritId: string, staff: boolean) => getInventory(ctx, spiritId, staff),
    /** Bottles available and stock status of each spirit, for a listed page: one query, whatever its size. */
    availability: (spiritIds: string[]): Promise<Map<string, Availability>> =>
      availabilityOf(client, spiritIds, clock.now().toISOString()),
    /** The spirit's current stock message (what the coordinator publishes), for broadcasters that join late. */
    stockSnapshot: (spiritId: string): Promise<StockChanged> => stock.snapshot(spiritId),
    freeStandardBottles: (spiritId: string, batchId?: string | null) =>
      freeStandardBottles(ctx, spiritId, batchId ?? null),
    applyChange: (spiritId: string, actorId: string | null, change: StockChange) =>
      applyChange(ctx, spiritId, actorId, change),
    listMovements: (spiritId: string, q: MovementQuery) => listMovements(ctx, spiritId, q),
    runAudit: (trigger: "manual" | "scheduled", actorId: string | null) => runAudit(ctx, trigger, actorId),
    getAudit: (id: string) => getAudit(ctx, id),
    listAudits: (q: { limit: number; cursor?: string | undefined }) => listAudits(ctx, q),
    /** A stock-take from CSV (stock-csv.ts): all of it through the stock engine, or nothing. */
    importCsv: (text: string, options: { dryRun: boolean; actorId: string | null }) =>
      importStockCsv({ client, stock, locationExists: ports.locationExists }, text, options),
    exportCsvPages: () => stockCsvPages(client),
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
