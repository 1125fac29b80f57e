// Bun entry: builds the deps for a single server on the embedded libSQL file and serves the app.
import { createApp } from "../app.ts";
import { ConfigError, parseConfig } from "../config.ts";
import { openLocalDatabase } from "../db/local.ts";
import { type Deps, jsonLogger, systemClock } from "../deps.ts";
import { prepareDatabase } from "../startup.ts";
import { createStockEventBus } from "../stock/events.ts";
import { createLocalStockCoordinator } from "../stock/local-coordinator.ts";
import { createBunPasswords } from "./bun-passwords.ts";

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const database = await openLocalDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
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
  clientAddress: (request, env) => (env as Bun.Server<unknown> | undefined)?.requestIP?.(request)?.address,
};
await prepareDatabase(deps);
const app = createApp(deps);

const server = Bun.serve({ port: config.PORT, hostname: config.HOST, fetch: app.fetch });
const base = `http://${server.hostname}:${server.port}`;
console.log(
  `Angel's Share API on ${base}/api/v1  (docs: ${base}/docs, OpenAPI: ${base}/api/v1/openapi.json)`,
);
if (!config.JWT_SECRET && !config.JWT_PRIVATE_KEY) {
  console.log("JWT_SECRET is not set: tokens are signed with a random key and die with this process.");
}

const shutdown = () => {
  server.stop();
  database.client.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
