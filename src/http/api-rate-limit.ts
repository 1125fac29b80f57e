import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { RateDecision, RateLimiter } from "../deps.ts";
import { type ClientAddress, clientAddressOf } from "./client-address.ts";
import { ProblemError } from "./problem.ts";

const WINDOW_MS = 60_000;
const POLICY = "api";

/** The limiter's key of a client (shared with the front cache, src/http/front-cache.ts, so both count alike). */
export const apiRateKey = (address: string | undefined) => `${POLICY}:client:${address ?? "unknown"}`;

/** The `RateLimit-Policy` value for this budget. */
export const API_RATE_POLICY = (perMinute: number) => `"${POLICY}";q=${perMinute};w=${WINDOW_MS / 1000}`;

/** The `RateLimit` value: what is left of the budget and when it is whole again. */
export const apiRateLimitHeader = (decision: RateDecision) =>
  `"${POLICY}";r=${decision.remaining};t=${Math.ceil(decision.resetMs / 1000)}`;

/**
 * The general per-client limit on the API (`RATE_LIMIT_PER_MINUTE`, 0 turns it off). Every answer carries
 * the budget in the IETF `RateLimit` / `RateLimit-Policy` headers; over budget is a 429 problem with
 * `Retry-After`. Clients are told apart by the address the runtime reports (`deps.clientAddress`); a
 * request without one shares the "unknown" budget. The budgets live in the runtime's `deps.rateLimiter`.
 */
export function apiRateLimit(options: {
  perMinute: number;
  limiter: RateLimiter;
  clientAddress?: ClientAddress | undefined;
}) {
  const { perMinute, limiter, clientAddress } = options;
  if (perMinute <= 0) return createMiddleware<AppEnv>((_c, next) => next());
  const budget = { limit: perMinute, windowMs: WINDOW_MS };
  const policy = API_RATE_POLICY(perMinute);
  return createMiddleware<AppEnv>(async (c, next) => {
    const decision = await limiter.take(apiRateKey(clientAddressOf(c, clientAddress)), budget);
    // Set before the handler runs so that every answer, errors included, carries them.
    c.res.headers.set("RateLimit-Policy", policy);
    c.res.headers.set("RateLimit", apiRateLimitHeader(decision));
    if (!decision.allowed) {
      const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new ProblemError(
        429,
        `Too many requests from this client: the limit is ${perMinute} a minute. Try again in ${retryAfter} s.`,
        { code: "rate-limited", headers: { "Retry-After": String(retryAfter) } },
      );
    }
    await next();
  });
}

/** The 429 the document declares on every API operation (added by buildOpenApiDocument). */
export const RATE_LIMITED_RESPONSE = {
  description:
    "Too many requests from this client; wait `Retry-After` seconds. `RateLimit` and `RateLimit-Policy` describe the budget.",
  headers: {
    "Retry-After": {
      description: "Seconds to wait before retrying.",
      schema: { type: "integer", minimum: 1 },
    },
    RateLimit: {
      description: 'What is left of the budget: `"api";r=<remaining>;t=<seconds until it is whole again>`.',
      schema: { type: "string" },
    },
    "RateLimit-Policy": {
      description: 'The budget: `"api";q=<requests>;w=<window in seconds>`.',
      schema: { type: "string" },
    },
  },
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
} as const;
