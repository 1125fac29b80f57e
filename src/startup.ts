import { runMigrations } from "./db/migrate.ts";
import type { Deps } from "./deps.ts";
import { buildServices } from "./services.ts";

/** What every start does before serving: migrate, make sure the admin exists, seed an empty catalog. */
export async function prepareDatabase(deps: Deps, options: { migrationsFolder?: string } = {}) {
  await runMigrations(deps.db, options.migrationsFolder);
  const services = buildServices(deps);
  const { config } = deps;
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await services.accounts.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  }
  if (config.SEED_DEMO) await services.catalog.seedDemoIfEmpty();
}
