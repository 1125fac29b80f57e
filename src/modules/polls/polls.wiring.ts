import type { AccountsService } from "../accounts/accounts.service.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { CustomersService } from "../customers/customers.service.ts";
import type { InteractionsService } from "../interactions/interactions.service.ts";
import type { PurchasesService } from "../interactions/purchases.service.ts";
import type { ReleasesService } from "../releases/releases.service.ts";
import type { ReviewsService } from "../reviews/reviews.service.ts";
import type { PollsPorts } from "./polls.context.ts";

const WALK_PAGE = 100;

/** Polls read customers, purchases, spirits and releases through their services, and log interest as signals. */
export function pollsPortsFrom(s: {
  audit: AuditService;
  accounts: AccountsService;
  catalog: CatalogService;
  customers: CustomersService;
  purchases: PurchasesService;
  interactions: InteractionsService;
  releases: ReleasesService;
  reviews: ReviewsService;
}): PollsPorts {
  const exists = (find: () => Promise<unknown>) =>
    find().then(
      (found) => Boolean(found),
      () => false,
    );
  return {
    audit: s.audit,
    spiritExists: async (id) => Boolean(await s.catalog.findSpirit(id)),
    releaseExists: (id) => exists(() => s.releases.get(id)),
    async facts(customerId, withPurchases) {
      const customer = await s.customers.getCustomer(customerId);
      if (!customer) return undefined;
      if (!withPurchases) return { preferences: customer.preferences };
      const bought = [];
      for (const spiritId of (await s.purchases.boughtSpirits(customerId)).keys()) {
        bought.push({ spiritId, tags: (await s.catalog.findSpirit(spiritId))?.tags ?? [] });
      }
      return { preferences: customer.preferences, bought };
    },
    async customerIds(cursor) {
      const page = await s.accounts.listAccounts({
        role: "customer",
        limit: WALK_PAGE,
        cursor: cursor ?? undefined,
      });
      return { ids: page.items.filter((a) => !a.disabled).map((a) => a.id), nextCursor: page.nextCursor };
    },
    moderate: (text) => s.reviews.moderate({ body: text }),
    declaredInterest(customerId, spirits) {
      if (!spirits.length) return [];
      const { insert, enqueue } = s.interactions.entries(
        spirits.map((x) => ({ customerId, kind: "poll_interest", spiritId: x.spiritId, dedupeKey: x.key })),
      );
      return [insert, ...enqueue];
    },
  };
}
