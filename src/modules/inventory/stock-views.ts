/**
 * The stock view of a spirit (public: availability by location; staff: every level with its version),
 * read from the ledger's snapshot, and the hot views kept of it.
 */
import { readCache } from "../../db/read-cache.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { stockStatusOf } from "../../stock/availability.ts";
import { readSnapshot } from "../../stock/ledger.ts";
import { snapshotFrom, snapshotReads } from "../../stock/spirit-state.ts";
import type { InventoryContext, InventoryPorts } from "./inventory.context.ts";
import type { Inventory } from "./inventory.schemas.ts";

export const spiritNotFound = (id: string) => new DomainError("not-found", `Spirit ${id} was not found.`);

/** The view, and when the spirit's next active hold lapses (the view changes then without a write). */
export async function readView(
  { deps, ports }: InventoryContext,
  spiritId: string,
  staff: boolean,
): Promise<{ inventory: Inventory; nextExpiry: string | null }> {
  const now = deps.clock.now().toISOString();
  const { event, levels, nextExpiry } = snapshotFrom(
    spiritId,
    now,
    await readSnapshot(deps.client, snapshotReads(spiritId, now)),
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

/**
 * Hot stock views (READ_CACHE_MS; off at 0 and always on Workers, where holds commit in other isolates'
 * Durable Objects). Exact within this process: the coordinator publishes every committed change of a
 * spirit's stock (holds, orders, cancellations, receipts, counts, expiries) before the write answers, and
 * that drops the spirit's views; so do writes of the spirit (its status) and of locations (their names).
 * A view also ends when the spirit's next hold lapses, since readers count a lapsed hold as released
 * before the reaper has run.
 */
export function hotStockViews(deps: Deps, ports: InventoryPorts): InventoryContext["hotStock"] {
  if (deps.config.READ_CACHE_MS <= 0) return undefined;
  const hotStock = readCache<string, { inventory: Inventory; until: number }>({
    shareLoads: deps.sharedReads ?? false,
    ttlMs: deps.config.READ_CACHE_MS,
    maxEntries: 10_000,
  });
  const forgetSpirit = (spiritId: string) =>
    hotStock.deleteWhere((key) => key === `${spiritId}|public` || key === `${spiritId}|staff`);
  deps.stockEvents.subscribeAll((event) => forgetSpirit(event.spiritId));
  ports.onSpiritChange(forgetSpirit);
  ports.onLocationsChange(() => hotStock.clear());
  return hotStock;
}

async function loadInventory(ctx: InventoryContext, spiritId: string, staff: boolean) {
  if (!(await ctx.ports.spiritExists(spiritId))) throw spiritNotFound(spiritId);
  return readView(ctx, spiritId, staff);
}

export async function getInventory(
  ctx: InventoryContext,
  spiritId: string,
  staff: boolean,
): Promise<Inventory> {
  const { hotStock, deps } = ctx;
  if (!hotStock) return (await loadInventory(ctx, spiritId, staff)).inventory;
  const key = `${spiritId}|${staff ? "staff" : "public"}`;
  const load = async () => {
    const { inventory, nextExpiry } = await loadInventory(ctx, spiritId, staff);
    return { inventory, until: nextExpiry ? Date.parse(nextExpiry) : Number.POSITIVE_INFINITY };
  };
  // The clock is the service's (tests move it); the cache's own lifetime runs on real time.
  const hit = await hotStock.get(key, load);
  if (hit.until > deps.clock.now().getTime()) return hit.inventory;
  hotStock.delete(key);
  return (await hotStock.get(key, load)).inventory;
}

/**
 * Bottles of the spirit's standard unit free now (of one batch, when given): what a waitlist's line or a
 * ballot's round of offers can be sure of. A variant's free stock (a sample, a gift box) is not the spirit.
 */
export async function freeStandardBottles(
  { deps }: InventoryContext,
  spiritId: string,
  batchId: string | null = null,
): Promise<number> {
  return (await deps.stock.snapshot(spiritId)).byBatch
    .filter((b) => b.variantId === undefined && (batchId === null || b.batchId === batchId))
    .reduce((n, b) => n + b.available, 0);
}
