import type { Config } from "../config.ts";
import type { openLocalDatabase } from "../db/local.ts";
import { timeClient } from "../db/timed-client.ts";
import { type Deps, jsonLogger, systemClock, withTraceIds } from "../deps.ts";
import { createMemoryRateLimiter } from "../http/rate-limit.ts";
import { paymentProviderFrom } from "../modules/orders/payment-providers/index.ts";
import { createStockEventBus } from "../stock/events.ts";
import { createLocalStockCoordinator } from "../stock/local-coordinator.ts";
import { bunHmacSha256 } from "./bun-hmac.ts";
import { createBunPasswords } from "./bun-passwords.ts";
import { createPromMetrics } from "./prom-metrics.ts";
import { asyncTraceScope } from "./trace-scope.ts";
import { turnstileCheck } from "./turnstile.ts";

/**
 * The parts every in-process Bun app has (the server, and CLIs that build the app): the clock, passwords,
 * logs, the in-process stock coordinator and its event bus, the rate limiter, the payment provider.
 * Metrics go to a prom-client registry (GET /metrics), and every log line carries its request's trace id.
 * The server adds sockets, the client address, docs assets and mail on top.
 */
export function localDeps(config: Config, database: Awaited<ReturnType<typeof openLocalDatabase>>): Deps {
  const traces = asyncTraceScope();
  const logger = withTraceIds(jsonLogger(config.LOG_LEVEL), traces);
  const metrics = createPromMetrics();
  timeClient(database.client, metrics);
  const stockEvents = createStockEventBus((err) => console.error("stock listener failed", err));
  return {
    config,
    ...database,
    clock: systemClock,
    passwords: createBunPasswords(config.PASSWORD_HASH),
    hmacSha256: bunHmacSha256,
    logger,
    metrics,
    traces,
    stockEvents,
    stock: createLocalStockCoordinator({
      client: database.client,
      clock: systemClock,
      events: stockEvents,
      logger,
      metrics,
    }),
    rateLimiter: createMemoryRateLimiter(systemClock),
    payments: paymentProviderFrom(config),
    ...(config.TURNSTILE_SECRET ? { humanCheck: turnstileCheck(config.TURNSTILE_SECRET) } : {}),
  };
}
