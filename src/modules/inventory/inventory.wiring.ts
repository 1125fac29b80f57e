/** Builds the inventory module's ports from the other modules' services (passed in, never imported). */
import type { InventoryPorts } from "./inventory.context.ts";

type CatalogLike = {
  findSpirit(id: string): Promise<unknown>;
  findBatch(spiritId: string, batchId: string): Promise<unknown>;
  findVariant(spiritId: string, variantId: string): Promise<{ status: string } | undefined>;
  onSpiritChange(listener: (spiritId: string) => void): () => void;
};
type LocationsLike = {
  list(): Promise<readonly { id: string; name: string }[]>;
  find(id: string): Promise<unknown>;
  onChange(listener: () => void): () => void;
};

export function inventoryPortsFrom(s: { catalog: CatalogLike; locations: LocationsLike }): InventoryPorts {
  return {
    spiritExists: async (id) => Boolean(await s.catalog.findSpirit(id)),
    batchExists: async (spiritId, batchId) => Boolean(await s.catalog.findBatch(spiritId, batchId)),
    variantStatus: async (spiritId, variantId) => (await s.catalog.findVariant(spiritId, variantId))?.status,
    locationExists: async (id) => Boolean(await s.locations.find(id)),
    async locationNames() {
      return new Map((await s.locations.list()).map((l) => [l.id, l.name]));
    },
    onSpiritChange: (listener) => s.catalog.onSpiritChange(listener),
    onLocationsChange: (listener) => s.locations.onChange(listener),
  };
}
