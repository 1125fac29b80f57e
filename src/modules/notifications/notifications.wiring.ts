import type { CatalogService } from "../catalog/catalog.service.ts";
import type { CustomersService } from "../customers/customers.service.ts";
import type { BallotsService } from "../releases/ballot.service.ts";
import type { NotificationsPorts } from "./notifications.context.ts";

/** Notifications read spirits through the catalog and audiences through the customers' and ballots' services. */
export function notificationsPortsFrom(s: {
  catalog: Pick<CatalogService, "findSpirit">;
  customers: Pick<CustomersService, "wishersOf" | "matchingPreferences" | "emailsOf" | "customerExists">;
  ballots: Pick<BallotsService, "losersOf">;
}): NotificationsPorts {
  return {
    async spirit(spiritId) {
      const s2 = await s.catalog.findSpirit(spiritId);
      if (!s2) return undefined;
      return {
        id: s2.id,
        name: s2.name,
        distillery: s2.distillery,
        type: s2.type,
        region: s2.region,
        price: { amountMinor: s2.price.amountMinor, currency: s2.price.currency },
        tags: s2.tags,
      };
    },
    wishersOf: (spiritId) => s.customers.wishersOf(spiritId),
    matchingPreferences: (spirit) => s.customers.matchingPreferences(spirit),
    emailsOf: (ids) => s.customers.emailsOf(ids),
    customerExists: (id) => s.customers.customerExists(id),
    ballotLosers: (releaseId) => s.ballots.losersOf(releaseId),
  };
}
