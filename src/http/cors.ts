import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";

/** Request headers a browser front-end may send across origins. */
export const CORS_ALLOW_HEADERS = [
  "Authorization",
  "Content-Type",
  "Idempotency-Key",
  "If-Match",
  "If-None-Match",
  "X-Request-Id",
  "Last-Event-ID",
];

/** Response headers a browser front-end may read across origins. */
export const CORS_EXPOSE_HEADERS = [
  "X-Request-Id",
  "Retry-After",
  "RateLimit",
  "RateLimit-Policy",
  "Location",
  "ETag",
  "Idempotent-Replayed",
];

/**
 * CORS for the configured origins only (`CORS_ORIGINS`, none by default). A request from any other origin
 * gets no CORS header at all (Hono's middleware alone would still answer its preflight with the allowed
 * methods and headers), and its preflight falls through to the router, which answers OPTIONS with `Allow`.
 */
export function corsForOrigins(origins: readonly string[]) {
  const allowed = new Set(origins);
  const handler = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: 600,
  });
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header("Origin");
    if (origin !== undefined && allowed.has(origin)) return handler(c, next);
    await next();
    // Caches must not hand one origin's answer to another.
    if (allowed.size) c.res.headers.append("Vary", "Origin");
  });
}
