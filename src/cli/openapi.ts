// `npm run -s openapi > openapi.json`: prints the OpenAPI document the server publishes at
// /api/v1/openapi.json, for linters and client generators that want a file. The document comes from the
// routes alone, so the app is built over an empty in-memory database and asked for it like a client would.
import { createApp } from "../app.ts";
import { parseConfig } from "../config.ts";
import { openLocalDatabase } from "../db/local.ts";
import { type Deps, jsonLogger, systemClock } from "../deps.ts";
import { createMemoryRateLimiter } from "../http/rate-limit.ts";
import { paymentProviderFrom } from "../modules/orders/payment-providers/index.ts";
import { createBunPasswords } from "../runtime/bun-passwords.ts";
import { buildServices } from "../services.ts";
import { createStockEventBus } from "../stock/events.ts";
import { createLocalStockCoordinator } from "../stock/local-coordinator.ts";

const config = parseConfig({
  NODE_ENV: "development",
  DATABASE_URL: "file::memory:",
  JWT_SECRET: "only-for-printing-the-openapi-document",
  LOG_LEVEL: "silent",
  RATE_LIMIT_PER_MINUTE: "0",
});
const database = await openLocalDatabase(config.DATABASE_URL);
const logger = jsonLogger(config.LOG_LEVEL);
const stockEvents = createStockEventBus((err) => console.error("stock listener failed", err));
const deps: Deps = {
  config,
  ...database,
  clock: systemClock,
  passwords: createBunPasswords(config.PASSWORD_HASH),
  logger,
  stockEvents,
  stock: createLocalStockCoordinator({
    client: database.client,
    clock: systemClock,
    events: stockEvents,
    logger,
  }),
  rateLimiter: createMemoryRateLimiter(systemClock),
  payments: paymentProviderFrom(config),
};
const app = createApp(deps, buildServices(deps));
const response = await app.request("/api/v1/openapi.json");
if (response.status !== 200) {
  console.error(`the app answered ${response.status} for /api/v1/openapi.json`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(await response.json(), null, 2)}\n`);
database.client.close();
