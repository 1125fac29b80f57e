import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app-env.ts";
import { DomainError } from "../domain-error.ts";
import type { ProblemCode } from "../problem-codes.ts";
import { ProblemError, problemResponse } from "./problem.ts";

/** The HTTP status of each code, for the errors services throw (`DomainError` carries only the code). */
export const STATUS_OF_CODE = {
  "bad-request": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  "method-not-allowed": 405,
  conflict: 409,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  validation: 422,
  "too-many-requests": 429,
  internal: 500,
  "not-implemented": 501,
  unavailable: 503,
  misconfigured: 500,
  error: 500,
  "invalid-token": 401,
  "invalid-credentials": 401,
  "invalid-refresh-token": 401,
  "account-disabled": 403,
  "too-many-attempts": 429,
  "rate-limited": 429,
  "email-taken": 409,
  "self-demotion": 403,
  "invalid-email-token": 400,
  "wrong-password": 403,
  "erasure-blocked": 409,
  "duplicate-batch-number": 409,
  "stale-version": 409,
  "below-reserved": 409,
  "insufficient-stock": 409,
  "serials-taken": 409,
  "unknown-level": 422,
  "stock-conflict": 409,
  "over-limit": 422,
  "unknown-variant": 422,
  "variant-retired": 422,
  "duplicate-sku": 409,
  "sold-out": 409,
  "per-customer-limit": 422,
  "not-shippable": 409,
  "not-on-sale": 409,
  "mixed-currency": 422,
  "preorder-alone": 422,
  "hold-expired": 409,
  "order-status": 409,
  "payment-mismatch": 422,
  "webhook-signature-invalid": 400,
  "payment-provider-error": 502,
  "destination-blocked": 403,
  "date-of-birth-required": 422,
  "under-legal-age": 403,
  "review-exists": 409,
  "wishlist-full": 409,
  "idempotency-key-invalid": 400,
  "idempotency-key-reused": 422,
  "idempotency-key-in-flight": 409,
  "upgrade-required": 426,
  "too-many-streams": 429,
  "not-eligible": 403,
  "ballot-only": 403,
  "ballot-closed": 409,
  "already-entered": 409,
  "address-entered": 409,
  "already-drawn": 409,
  "not-drawable": 409,
  "human-check-failed": 403,
  "not-a-queue": 409,
  "queue-closed": 409,
  "already-queued": 409,
  "admission-required": 403,
  "admission-invalid": 403,
  "admission-expired": 403,
  "in-stock": 409,
  "already-waitlisted": 409,
  "poll-closed": 409,
  "not-in-audience": 403,
  "unsubscribe-link-invalid": 400,
} as const satisfies Record<ProblemCode, ContentfulStatusCode>;

export const problemFromDomain = (err: DomainError): ProblemError =>
  new ProblemError(STATUS_OF_CODE[err.code], err.detail, { ...err.init, code: err.code });

/** The app's one error handler: known problems as they are, anything else as a 500 that leaks nothing. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof DomainError) return problemResponse(c, problemFromDomain(err));
  if (err instanceof ProblemError) return problemResponse(c, err);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const detail =
      status === 400 && /JSON/i.test(err.message)
        ? "The request body is not valid JSON."
        : err.message || "The request could not be handled.";
    return problemResponse(c, new ProblemError(status, detail));
  }
  c.get("deps")?.logger.log("error", {
    msg: "unhandled error",
    requestId: c.get("requestId"),
    error: err.name,
    message: err.message,
    stack: err.stack,
  });
  return problemResponse(c, new ProblemError(500, "Something went wrong on our side. It has been logged."));
}

type RouteLike = { method: string; path: string };

/**
 * Answers an unmatched request: 405 with `Allow` when the path exists under other methods (204 with `Allow`
 * for OPTIONS), else 404.
 */
export function notFoundOrMethodNotAllowed(routes: () => RouteLike[]) {
  let table: { pattern: RegExp; methods: Set<string> }[] | undefined;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const r of routes()) {
      if (r.method === "ALL" || r.path.includes("*")) continue;
      const set = byPath.get(r.path) ?? new Set<string>();
      set.add(r.method);
      if (r.method === "GET") set.add("HEAD");
      byPath.set(r.path, set);
    }
    return [...byPath].map(([path, methods]) => ({
      pattern: new RegExp(
        `^${path.replace(/[.]/g, "\\.").replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, "[^/]+")}/?$`,
      ),
      methods,
    }));
  };
  return (c: Context<AppEnv>): Response => {
    table ??= build();
    const allowed = new Set<string>();
    for (const { pattern, methods } of table)
      if (pattern.test(c.req.path)) for (const m of methods) allowed.add(m);
    if (allowed.size) {
      allowed.add("OPTIONS");
      const allow = [...allowed].sort().join(", ");
      // OPTIONS without a CORS preflight (or from an origin CORS does not allow): say what the path takes.
      if (c.req.method === "OPTIONS") return new Response(null, { status: 204, headers: { Allow: allow } });
      return problemResponse(
        c,
        new ProblemError(405, `${c.req.method} is not allowed on ${c.req.path}. Allowed: ${allow}.`, {
          headers: { Allow: allow },
        }),
      );
    }
    return problemResponse(c, new ProblemError(404, `There is nothing at ${c.req.method} ${c.req.path}.`));
  };
}
