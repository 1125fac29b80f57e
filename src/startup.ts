import { runMigrations } from "./db/migrate.ts";
import { DEMO_CATALOG } from "./db/seed/demo-catalog.ts";
import { seedDemoStock } from "./db/seed/demo-stock.ts";
import { loadGeneratedCatalog } from "./db/seed/load-catalog.ts";
import type { Deps } from "./deps.ts";
import type { Services } from "./services.ts";

/**
 * What every start does before serving: migrate, make sure the admin exists, seed an empty catalog. It uses
 * the runtime's one set of services (building services reads nothing, so they may be built before migrating).
 */
export async function prepareDatabase(
  deps: Deps,
  services: Services,
  options: { migrationsFolder?: string } = {},
) {
  await runMigrations(deps.db, options.migrationsFolder);
  const { config } = deps;
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await services.accounts.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  }
  if (config.SEED_DEMO) {
    const added = await services.catalog.seedIfEmpty(DEMO_CATALOG);
    // Locations and stock too, so a newcomer's first order finds bottles (not "sold out").
    if (added > 0) await seedDemoStock(services, DEMO_CATALOG);
    // Only on the start that found the catalog empty: a shop's own catalog never gets generated spirits.
    if (added > 0 && config.SEED_GENERATED_SPIRITS > 0) {
      await loadGeneratedCatalog(deps.client, {
        count: config.SEED_GENERATED_SPIRITS,
        seed: 42,
        currency: "GBP",
        now: deps.clock.now(),
      });
    }
  }
}
