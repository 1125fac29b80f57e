/**
 * Builds the orders module's ports from the other modules' services (passed in, never imported), so
 * services.ts stays a list of one-liners.
 */
import { eq } from "drizzle-orm";
import { customers } from "../../db/schema/accounts.ts";
import type { Deps } from "../../deps.ts";
import type { ComplianceCheck, OrdersPorts, SpiritForOrder } from "./orders.ports.ts";

type CatalogLike = {
  findSpirit(id: string): Promise<SpiritForOrder | undefined>;
  findBatch(spiritId: string, batchId: string): Promise<unknown>;
};
type LocationLike = { id: string; shipsTo: readonly string[] };
type LocationsLike = { list(): Promise<readonly LocationLike[]> };
type ComplianceLike = { checkOrder(input: ComplianceCheck): unknown };

/**
 * A location ships to a place when its `shipsTo` names the country ("GB"), the region as given
 * ("GB-SCT", "Scotland"), the country and region joined ("US-CA" from "US" + "CA"), or "*" (anywhere).
 */
export function shipsTo(location: LocationLike, country: string, region: string | null): boolean {
  const wanted = new Set(["*", country.toUpperCase()]);
  if (region) {
    wanted.add(region.toUpperCase());
    wanted.add(`${country}-${region}`.toUpperCase());
  }
  return location.shipsTo.some((r) => wanted.has(r.toUpperCase()));
}

export function ordersPortsFrom(
  deps: Deps,
  s: { catalog: CatalogLike; locations?: LocationsLike; compliance?: ComplianceLike },
): OrdersPorts {
  return {
    findSpirit: (id) => s.catalog.findSpirit(id),
    batchExists: async (spiritId, batchId) => Boolean(await s.catalog.findBatch(spiritId, batchId)),
    async customerProfile(customerId) {
      const row = await deps.db.query.customers.findFirst({ where: eq(customers.id, customerId) });
      return row ? { dateOfBirth: row.dateOfBirth, country: row.country, region: row.region } : undefined;
    },
    async locationsShippingTo(country, region) {
      if (!s.locations) return [];
      return (await s.locations.list()).filter((l) => shipsTo(l, country, region)).map((l) => l.id);
    },
    async checkCompliance(input) {
      await s.compliance?.checkOrder(input);
    },
  };
}
