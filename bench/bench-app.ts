/**
 * The app as src/runtime/bun.ts builds it for one server on the embedded file (same deps, caches, rate
 * limiter and middleware), for the flash-sale bench's variants that change one part of it: naive-in-app
 * swaps the stock step, echo-app adds a route that does no order work. Without the in-process timers
 * (reaper, sealing, settling): a drop lasts a fraction of a second.
 *
 * Started by the bench as a child process with the real server's environment (DATABASE_URL, PORT,
 * JWT_SECRET...).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { createApp } from "../src/app.ts";
import type { AppEnv } from "../src/app-env.ts";
import { parseConfig } from "../src/config.ts";
import type { DatabaseHandle } from "../src/db/client.ts";
import { openLocalDatabase } from "../src/db/local.ts";
import { type Deps, jsonLogger, systemClock } from "../src/deps.ts";
import { createMemoryRateLimiter } from "../src/http/rate-limit.ts";
import { manualPayments } from "../src/modules/orders/payment-providers/manual.ts";
import { bunHmacSha256 } from "../src/runtime/bun-hmac.ts";
import { createBunPasswords } from "../src/runtime/bun-passwords.ts";
import { buildServices } from "../src/services.ts";
import { prepareDatabase } from "../src/startup.ts";
import type { StockCoordinator } from "../src/stock/coordinator.ts";
import { createStockEventBus } from "../src/stock/events.ts";
import { createLocalStockCoordinator } from "../src/stock/local-coordinator.ts";

type Variant = {
  /** The stock step the app uses, given the real engine (default: the engine itself). */
  stock?: (engine: StockCoordinator, database: DatabaseHandle) => StockCoordinator;
  /** Routes mounted on the built app. */
  routes?: (app: OpenAPIHono<AppEnv>) => void;
};

export async function serveBenchApp(name: string, variant: Variant = {}) {
  const config = parseConfig(process.env);
  const database = await openLocalDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  const logger = jsonLogger(config.LOG_LEVEL);
  const stockEvents = createStockEventBus((err) => console.error("stock listener failed", err));
  const engine = createLocalStockCoordinator({
    client: database.client,
    clock: systemClock,
    events: stockEvents,
    logger,
  });
  const deps: Deps = {
    config,
    ...database,
    clock: systemClock,
    passwords: createBunPasswords(config.PASSWORD_HASH),
    hmacSha256: bunHmacSha256,
    logger,
    stockEvents,
    stock: variant.stock?.(engine, database) ?? engine,
    rateLimiter: createMemoryRateLimiter(systemClock),
    payments: manualPayments,
    sharedReads: true,
  };
  const services = buildServices(deps);
  await prepareDatabase(deps, services);
  const app = createApp(deps, services);
  variant.routes?.(app);
  const server = Bun.serve({ port: config.PORT, hostname: config.HOST, fetch: app.fetch });
  console.log(`${name} listening on ${server.port}`);
  process.on("SIGTERM", async () => {
    server.stop(true);
    await engine.close();
    database.client.close();
    process.exit(0);
  });
}
