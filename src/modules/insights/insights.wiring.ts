import type { AuditService } from "../audit/audit.service.ts";
import type { Spirit } from "../catalog/catalog.schemas.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { CustomersService } from "../customers/customers.service.ts";
import type { InteractionsService } from "../interactions/interactions.service.ts";
import type { PurchasesService } from "../interactions/purchases.service.ts";
import type { InventoryService } from "../inventory/inventory.service.ts";
import type { Features } from "./demand-model.ts";
import type { InsightsPorts, MarketSpirit } from "./insights.context.ts";

const asMarketSpirit = (s: Spirit): MarketSpirit => ({
  id: s.id,
  name: s.name,
  type: s.type,
  priceMinor: s.price.amountMinor,
  currency: s.price.currency,
});

/** Insights read spirits, signals, sales and stock through the modules that own them. */
export function insightsPortsFrom(s: {
  audit: AuditService;
  catalog: CatalogService;
  customers: CustomersService;
  interactions: InteractionsService;
  purchases: PurchasesService;
  inventory: InventoryService;
}): InsightsPorts {
  return {
    audit: s.audit,
    spirit: async (id) => {
      const found = await s.catalog.findSpirit(id);
      return found && asMarketSpirit(found);
    },
    async sameType(spirit, limit) {
      const out: MarketSpirit[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.catalog.listSpirits({
          filters: { type: spirit.type },
          limit: 100,
          cursor,
        });
        out.push(...page.items.map(asMarketSpirit));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && out.length < limit);
      return out.slice(0, limit);
    },
    async signals(ids) {
      const [wishes, logged] = await Promise.all([
        s.customers.wishlistCounts(ids),
        s.interactions.countsBySpirit(ids, ["poll_interest", "click", "view"]),
      ]);
      return new Map(
        ids.map((id): [string, Features] => {
          const l = logged.get(id) ?? {};
          return [
            id,
            {
              wishlists: wishes.get(id) ?? 0,
              pollInterest: l.poll_interest ?? 0,
              clicks: l.click ?? 0,
              views: l.view ?? 0,
            },
          ];
        }),
      );
    },
    sales: (ids) => s.purchases.salesOf(ids),
    available: async (id) => (await s.inventory.stockSnapshot(id)).available,
  };
}
