import type { Deps } from "./deps.ts";
import { memoryRateLimiter } from "./http/rate-limit.ts";
import { TokenService } from "./http/tokens.ts";
import { createAccountsService } from "./modules/accounts/accounts.service.ts";
import { createAuditService } from "./modules/audit/audit.service.ts";
import { createCatalogService } from "./modules/catalog/catalog.service.ts";
import { createHealthService } from "./modules/health/health.service.ts";

/** Every module's service, built once per app from the deps; handlers reach them through `c.var.services`. */
export function buildServices(deps: Deps) {
  return {
    tokens: new TokenService(deps.config, () => deps.clock.now()),
    rateLimiter: memoryRateLimiter(() => deps.clock.now().getTime()),
    accounts: createAccountsService(deps),
    audit: createAuditService(deps),
    catalog: createCatalogService(deps, createAuditService(deps)),
    health: createHealthService(deps),
  };
}

export type Services = ReturnType<typeof buildServices>;
