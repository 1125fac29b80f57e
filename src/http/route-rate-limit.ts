import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { Config } from "../config.ts";
import { clientAddressOf } from "./client-address.ts";
import { ProblemError } from "./problem.ts";

const WINDOW_MS = 60_000;

type Budgets = { perAccount: number; perClient: number };

/**
 * A stricter budget on one kind of request (drop entries, orders) than the API's general one: per
 * account and per client address, each a minute long, from the runtime's shared `deps.rateLimiter`. Put
 * after authentication: an anonymous request counts only against its client. 0 turns a budget off.
 */
export function routeRateLimit(policy: string, budgets: (config: Config) => Budgets) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const deps = c.get("deps");
    const { perAccount, perClient } = budgets(deps.config);
    const principal = c.get("principal");
    // Keys are made only for the budgets that are on.
    const checks: [() => string, number][] = [
      [() => `${policy}:client:${clientAddressOf(c, deps.clientAddress) ?? "unknown"}`, perClient],
      ...(principal
        ? ([[() => `${policy}:account:${principal.id}`, perAccount]] as [() => string, number][])
        : []),
    ];
    for (const [keyOf, limit] of checks) {
      if (limit <= 0) continue;
      const key = keyOf();
      const decision = await deps.rateLimiter.take(key, { limit, windowMs: WINDOW_MS });
      if (!decision.allowed) {
        const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        const who = key.includes(":account:") ? "this account" : "this client";
        throw new ProblemError(
          429,
          `Too many ${policy} requests from ${who}: the limit is ${limit} a minute. Try again in ${retryAfter} s.`,
          { code: "rate-limited", headers: { "Retry-After": String(retryAfter) } },
        );
      }
    }
    await next();
  });
}

/** Ballot entries (drops): DROP_ENTRIES_PER_MINUTE_ACCOUNT and _CLIENT. */
export const dropEntryBudgets = (config: Config): Budgets => ({
  perAccount: config.DROP_ENTRIES_PER_MINUTE_ACCOUNT,
  perClient: config.DROP_ENTRIES_PER_MINUTE_CLIENT,
});

/** Orders placed: ORDERS_PER_MINUTE_ACCOUNT and _CLIENT (each holds stock until it is paid or lapses). */
export const orderBudgets = (config: Config): Budgets => ({
  perAccount: config.ORDERS_PER_MINUTE_ACCOUNT,
  perClient: config.ORDERS_PER_MINUTE_CLIENT,
});
