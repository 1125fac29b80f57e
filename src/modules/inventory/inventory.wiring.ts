/** Builds the inventory module's ports from the other modules' services (passed in, never imported). */
import type { InventoryPorts } from "./inventory.service.ts";

type CatalogLike = {
  findSpirit(id: string): Promise<unknown>;
  findBatch(spiritId: string, batchId: string): Promise<unknown>;
};
type LocationsLike = {
  list(): Promise<readonly { id: string; name: string }[]>;
  find(id: string): Promise<unknown>;
};

export function inventoryPortsFrom(s: { catalog: CatalogLike; locations?: LocationsLike }): InventoryPorts {
  return {
    spiritExists: async (id) => Boolean(await s.catalog.findSpirit(id)),
    batchExists: async (spiritId, batchId) => Boolean(await s.catalog.findBatch(spiritId, batchId)),
    // Until locations are managed, any location id is accepted (stock simply names where it is).
    locationExists: async (id) => (s.locations ? Boolean(await s.locations.find(id)) : true),
    async locationNames() {
      if (!s.locations) return new Map();
      return new Map((await s.locations.list()).map((l) => [l.id, l.name]));
    },
  };
}
