// `npm run -s openapi > openapi.json`: prints the OpenAPI document the server publishes at
// /api/v1/openapi.json, for linters and client generators that want a file. The document comes from the
// routes alone, so the app is built over an empty in-memory database and asked for it like a client would.
import { createApp } from "../app.ts";
import { parseConfig } from "../config.ts";
import { openLocalDatabase } from "../db/local.ts";
import { localDeps } from "../runtime/local-deps.ts";
import { buildServices } from "../services.ts";

const config = parseConfig({
  NODE_ENV: "development",
  DATABASE_URL: "file::memory:",
  JWT_SECRET: "only-for-printing-the-openapi-document",
  LOG_LEVEL: "silent",
  RATE_LIMIT_PER_MINUTE: "0",
});
const database = await openLocalDatabase(config.DATABASE_URL);
const deps = localDeps(config, database);
const app = createApp(deps, buildServices(deps));
const response = await app.request("/api/v1/openapi.json");
if (response.status !== 200) {
  console.error(`the app answered ${response.status} for /api/v1/openapi.json`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(await response.json(), null, 2)}\n`);
database.client.close();
