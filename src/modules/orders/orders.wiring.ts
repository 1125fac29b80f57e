/**
 * Builds the orders module's ports from the other modules' services (passed in, never imported), so
 * services.ts stays a list of one-liners.
 */
import { batchedLoader } from "../../db/coalesce.ts";
import { readRows } from "../../db/kept-read.ts";
import type { Deps } from "../../deps.ts";
import type { ComplianceCheck, OrdersPorts, SpiritForOrder } from "./orders.ports.ts";

type CatalogLike = {
  /** The spirit's ordering facts (price, status, limits, hold time), read through the catalog's short cache. */
  findSpiritForOrdering(id: string): Promise<SpiritForOrder | undefined>;
  findBatch(spiritId: string, batchId: string): Promise<unknown>;
  findVariant(
    spiritId: string,
    variantId: string,
  ): Promise<
    | { id: string; name: string; status: "active" | "retired"; priceMinor: number; currency: string }
    | undefined
  >;
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
  // Only what the legal checks need, in plain SQL, and one query for all the buyers of a drop who ask at
  // once: building the query through drizzle, or a round trip each, costs more than running it.
  const profiles = batchedLoader(
    async (ids: string[]) => {
      const rows = await readRows(
        deps.client,
        "SELECT id, date_of_birth, country, region FROM customers WHERE id IN (SELECT value FROM json_each(?))",
        [JSON.stringify(ids)],
      );
      const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
      return new Map(
        rows.map(([id, dateOfBirth, country, region]) => [
          String(id),
          { dateOfBirth: text(dateOfBirth), country: text(country), region: text(region) },
        ]),
      );
    },
    { shared: deps.sharedReads ?? false },
  );
  return {
    findSpirit: (id) => s.catalog.findSpiritForOrdering(id),
    batchExists: async (spiritId, batchId) => Boolean(await s.catalog.findBatch(spiritId, batchId)),
    async findVariant(spiritId, variantId) {
      const v = await s.catalog.findVariant(spiritId, variantId);
      return (
        v && {
          id: v.id,
          name: v.name,
          status: v.status,
          price: { amountMinor: v.priceMinor, currency: v.currency },
        }
      );
    },
    customerProfile: (customerId) => profiles.load(customerId),
    async locationsShippingTo(country, region) {
      return (await s.locations.serving({ country, region })).map((l) => l.id);
    },
    async checkCompliance(input) {
      await s.compliance.checkOrder(input);
    },
  };
}
