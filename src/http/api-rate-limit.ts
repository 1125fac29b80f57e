import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { Clock } from "../deps.ts";
import { ProblemError } from "./problem.ts";

const WINDOW_MS = 60_000;
const POLICY = "api";

export type RateDecision = {
  allowed: boolean;
  /** Requests the client may still send right now. */
  remaining: number;
  /** Until the client may send the next request (0 when allowed). */
  retryAfterMs: number;
  /** Until the client's whole budget is back. */
  resetMs: number;
};

/**
 * GCRA (the generic cell rate algorithm, a token bucket kept as one number per client): each client has
 * a "theoretical arrival time" that moves forward by `window / limit` per request, so a client may burst
 * up to `limit` requests and then gets one every `window / limit`. Memory is one number per active
 * client, and a client whose budget is whole again is forgotten.
 */
export function createGcraLimiter(limit: number, windowMs = WINDOW_MS, maxClients = 100_000) {
  const interval = windowMs / limit;
  const arrival = new Map<string, number>();
  let calls = 0;

  /**
   * Drops clients whose budget is whole again, least recently seen first (a Map keeps insertion order and
   * `take` re-inserts), up to the first active one. When room is needed and every client left is active,
   * the least recently seen is forgotten (it gets a whole budget back: the price of bounded memory).
   */
  const sweep = (now: number, makeRoom: boolean) => {
    for (const [key, tat] of arrival) {
      if (makeRoom && arrival.size < maxClients) return;
      if (tat <= now || makeRoom) arrival.delete(key);
      else return;
    }
  };

  return {
    take(key: string, now: number): RateDecision {
      if (++calls % 1024 === 0) sweep(now, false);
      const tat = Math.max(arrival.get(key) ?? now, now);
      const next = tat + interval;
      const allowAt = next - windowMs;
      if (now < allowAt) {
        return { allowed: false, remaining: 0, retryAfterMs: allowAt - now, resetMs: tat - now };
      }
      arrival.delete(key);
      if (arrival.size >= maxClients) sweep(now, true);
      arrival.set(key, next);
      // The small epsilon keeps float rounding of `interval` from costing a whole request.
      const remaining = Math.floor((windowMs - (next - now)) / interval + 1e-9);
      return { allowed: true, remaining, retryAfterMs: 0, resetMs: next - now };
    },
    get size() {
      return arrival.size;
    },
  };
}

type ClientAddress = (request: Request, env: unknown) => string | undefined;

/**
 * The general per-client limit on the API (`RATE_LIMIT_PER_MINUTE`, 0 turns it off). Every answer carries
 * the budget in the IETF `RateLimit` / `RateLimit-Policy` headers; over budget is a 429 problem with
 * `Retry-After`. Clients are told apart by the address the runtime reports (`deps.clientAddress`); a
 * request without one shares the "unknown" budget. On Workers each isolate counts alone, which still
 * bounds a flood per isolate.
 */
export function apiRateLimit(options: { perMinute: number; clock: Clock; clientAddress?: ClientAddress }) {
  const { perMinute, clock, clientAddress } = options;
  if (perMinute <= 0) return createMiddleware<AppEnv>((_c, next) => next());
  const limiter = createGcraLimiter(perMinute);
  const policy = `"${POLICY}";q=${perMinute};w=${WINDOW_MS / 1000}`;
  return createMiddleware<AppEnv>(async (c, next) => {
    const decision = limiter.take(clientKey(c, clientAddress), clock.now().getTime());
    const reset = Math.ceil(decision.resetMs / 1000);
    // Set before the handler runs so that every answer, errors included, carries them.
    c.res.headers.set("RateLimit-Policy", policy);
    c.res.headers.set("RateLimit", `"${POLICY}";r=${decision.remaining};t=${reset}`);
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

function clientKey(c: Context<AppEnv>, clientAddress: ClientAddress | undefined): string {
  try {
    return clientAddress?.(c.req.raw, c.env) ?? "unknown";
  } catch {
    return "unknown";
  }
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
