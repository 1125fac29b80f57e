import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "turso",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
  // `drizzle-kit migrate` applies migrations/ to DATABASE_URL: the local file, or Turso with its token.
  dbCredentials: {
    url: process.env.DATABASE_URL ?? "file:./data/angelshare.db",
    authToken: process.env.DATABASE_AUTH_TOKEN || undefined,
  },
});
