import type { ReadCache } from "../../db/read-cache.ts";
import type { Deps } from "../../deps.ts";
import type { Inventory } from "./inventory.schemas.ts";

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

/** What every inventory operation takes: the runtime's parts, the other modules' ports, its hot views. */
export type InventoryContext = {
  deps: Deps;
  ports: InventoryPorts;
  /** Hot stock views (stock-views.ts); undefined with READ_CACHE_MS=0. */
  hotStock?: ReadCache<string, { inventory: Inventory; until: number }>;
};
