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
type LocationsLike = {
  /** Active locations whose `shipsTo` covers the destination (the locations module owns the rule). */
  serving(destination: { country: string; region: string | null }): Promise<readonly { id: string }[]>;
};
type ComplianceLike = { checkOrder(input: ComplianceCheck): unknown };

export function ordersPortsFrom(
  deps: Deps,
  s: { catalog: CatalogLike; locations: LocationsLike; compliance: ComplianceLike },
): OrdersPorts {
  return {
    findSpirit: (id) => s.catalog.findSpirit(id),
    batchExists: async (spiritId, batchId) => Boolean(await s.catalog.findBatch(spiritId, batchId)),
    async customerProfile(customerId) {
      const row = await deps.db.query.customers.findFirst({ where: eq(customers.id, customerId) });
      return row ? { dateOfBirth: row.dateOfBirth, country: row.country, region: row.region } : undefined;
    },
    async locationsShippingTo(country, region) {
      return (await s.locations.serving({ country, region })).map((l) => l.id);
    },
    async checkCompliance(input) {
      await s.compliance.checkOrder(input);
    },
  };
}
