// `npm run db:migrate`: applies the migrations in migrations/ to DATABASE_URL.
import { parseConfig } from "../config.ts";
import { openLocalDatabase } from "../db/local.ts";
import { runMigrations } from "../db/migrate.ts";

const config = parseConfig(process.env);
const { db, client } = await openLocalDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
await runMigrations(db);
client.close();
console.log(`migrations applied to ${config.DATABASE_URL}`);
