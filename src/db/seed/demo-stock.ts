import { type CatalogSeedEntry, demoBatchId, demoSpiritId } from "../../modules/catalog/catalog-seed.ts";
import { LocationInputSchema } from "../../modules/locations/locations.schemas.ts";
import type { Services } from "../../services.ts";

// Seeding only (src/startup.ts at a first start), like demo-catalog.ts.

/**
 * Where the demo shop keeps its bottles, and how many of each available spirit each one holds. Orders are
 * only allocated from locations whose `shipsTo` covers the destination, so GB and the EU are served from
 * Leith and London, the US from Brooklyn.
 */
const DEMO_LOCATIONS = [
  {
    input: {
      name: "Leith bonded warehouse",
      kind: "warehouse",
      country: "GB",
      region: "GB-SCT",
      shipsTo: ["GB", "IE", "EU"],
    },
    bottles: 12,
  },
  {
    input: { name: "London Bridge shop", kind: "retail", country: "GB", region: "GB-ENG", shipsTo: ["GB"] },
    bottles: 4,
  },
  {
    input: {
      name: "Brooklyn fulfilment centre",
      kind: "warehouse",
      country: "US",
      region: "US-NY",
      shipsTo: ["US"],
    },
    bottles: 6,
  },
] as const;

/**
 * Stock for every available demo spirit, through the locations service and the stock engine, so the ledger
 * holds the receive rows and the audit is clean. A spirit with batches receives into its first batch with
 * bottle numbers, one run of numbers per location. Only into a database with no locations yet (the start
 * that seeded the catalog); returns the number of bottles received.
 */
export async function seedDemoStock(services: Services, catalog: CatalogSeedEntry[]): Promise<number> {
  if ((await services.locations.list()).length > 0) return 0;
  const locations = [];
  for (const { input, bottles } of DEMO_LOCATIONS) {
    const location = await services.locations.create(LocationInputSchema.parse(input));
    locations.push({ id: location.id, bottles });
  }
  let received = 0;
  for (const entry of catalog) {
    if (entry.status !== "available") continue;
    const spiritId = demoSpiritId(entry.key);
    const batchId = entry.batches?.length ? demoBatchId(entry.key, 1) : undefined;
    let numbered = 0;
    for (const { id, bottles } of locations) {
      await services.inventory.applyChange(spiritId, null, {
        type: "receive",
        locationId: id,
        quantity: bottles,
        reason: "demo stock",
        ...(batchId ? { batchId, serials: { from: numbered + 1, to: numbered + bottles } } : {}),
      });
      numbered += bottles;
      received += bottles;
    }
  }
  return received;
}
