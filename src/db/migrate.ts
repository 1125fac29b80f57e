import { migrate } from "drizzle-orm/libsql/migrator";
import type { Database } from "./client.ts";

export const MIGRATIONS_FOLDER = new URL("../../migrations", import.meta.url).pathname;

export async function runMigrations(db: Database, folder = MIGRATIONS_FOLDER): Promise<void> {
  await migrate(db, { migrationsFolder: folder });
}
