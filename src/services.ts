import type { Deps } from "./deps.ts";
import { memoryRateLimiter } from "./http/rate-limit.ts";
import { TokenService } from "./http/tokens.ts";
import { createAccountsService } from "./modules/accounts/accounts.service.ts";
import { createAuditService } from "./modules/audit/audit.service.ts";
import { createAuthService } from "./modules/auth/auth.service.ts";
import { createCatalogService } from "./modules/catalog/catalog.service.ts";
import { createComplianceService } from "./modules/compliance/compliance.service.ts";
import { createCustomersService } from "./modules/customers/customers.service.ts";
import { createHealthService } from "./modules/health/health.service.ts";
import { createInventoryService } from "./modules/inventory/inventory.service.ts";
import { inventoryPortsFrom } from "./modules/inventory/inventory.wiring.ts";
import { createLocationsService } from "./modules/locations/locations.service.ts";
import { createOrdersService } from "./modules/orders/orders.service.ts";
import { ordersPortsFrom } from "./modules/orders/orders.wiring.ts";
import { createSignalServices } from "./modules/recommendations/wiring.ts";
import { createSearchService } from "./modules/search/search.service.ts";
import { createStockStreamService } from "./modules/stock-stream/stock-stream.service.ts";

/** Every module's service, built once per app from the deps; handlers reach them through `c.var.services`. */
export function buildServices(deps: Deps) {
  const base = {
    tokens: new TokenService(deps.config, () => deps.clock.now()),
    rateLimiter: memoryRateLimiter(() => deps.clock.now().getTime()),
    accounts: createAccountsService(deps, createAuditService(deps)),
    audit: createAuditService(deps),
    catalog: createCatalogService(deps, createAuditService(deps)),
    health: createHealthService(deps),
    locations: createLocationsService(deps, createAuditService(deps)),
    compliance: createComplianceService(deps, createAuditService(deps)),
  };
  // Inventory and orders reach locations and compliance through `base` (their ports).
  const inventory = createInventoryService(deps, inventoryPortsFrom(base));
  // reviews, interactions, purchases, recommendations (customers report wishlist and profile changes to them)
  const signals = createSignalServices(deps, base);
  return {
    ...base,
    inventory,
    orders: createOrdersService(deps, ordersPortsFrom(deps, base)),
    auth: createAuthService(deps, base),
    customers: createCustomersService(deps, {
      audit: base.audit,
      catalog: base.catalog,
      signals: signals.interactions,
    }),
    search: createSearchService(deps, base.catalog),
    ...signals,
    stockStream: createStockStreamService(deps, {
      spiritExists: async (id) => Boolean(await base.catalog.findSpirit(id)),
      stockSnapshot: inventory.stockSnapshot,
    }),
  };
}

export type Services = ReturnType<typeof buildServices>;
