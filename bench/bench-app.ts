/**
 * The app as src/runtime/bun.ts builds it for one server on the embedded file (its localDeps: the same
 * caches, rate limiter, metrics, logs and middleware), for the flash-sale bench's variants that change one part of it: naive-in-app
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
import type { Deps } from "../src/deps.ts";
import { localDeps } from "../src/runtime/local-deps.ts";
import { buildServices } from "../src/services.ts";
import { prepareDatabase } from "../src/startup.ts";
import type { StockCoordinator } from "../src/stock/coordinator.ts";

type Variant = {
  /** The stock step the app uses, given the real engine (default: the engine itself). */
  stock?: (engine: StockCoordinator, database: DatabaseHandle) => StockCoordinator;
  /** Routes mounted on the built app. */
  routes?: (app: OpenAPIHono<AppEnv>) => void;
};

export async function serveBenchApp(name: string, variant: Variant = {}) {
  const config = parseConfig(process.env);
  const database = await openLocalDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  // The server's own parts (logs with trace ids, metrics, the token HMAC, the coordinator, the limiter).
  const local = localDeps(config, database);
  const engine = local.stock;
  const deps: Deps = {
    ...local,
    stock: variant.stock?.(engine, database) ?? engine,
    clientAddress: (request, env) => (env as Bun.Server<unknown> | undefined)?.requestIP?.(request)?.address,
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
