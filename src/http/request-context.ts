import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { requestId } from "hono/request-id";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../app-env.ts";
import { httpLabels } from "../metrics.ts";
import { handleError } from "./errors.ts";
import { formatTraceparent, traceFromHeader } from "./trace-context.ts";

/** The caller's X-Request-Id when it is sane (at most 128 of A-Z a-z 0-9 _ - =), else a fresh UUID. */
const assignRequestId = requestId({ limitLength: 128 });

/**
 * Gives every request an id and a trace (W3C traceparent: the caller's when valid, else a new one), runs it
 * inside that trace, and when it ends logs one line and counts it (RED by route template).
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const trace = traceFromHeader(c.req.header("traceparent"));
  c.set("trace", trace);
  const serve = () =>
    assignRequestId(c, async () => {
      try {
        await next();
      } catch (err) {
        // Hono hands only Error instances to app.onError and rethrows anything else (a library that throws a
        // plain object, a `throw "text"`): answer those with the same leak-nothing 500.
        if (err instanceof Error) throw err;
        c.res = handleError(new ThrownNonError(err), c);
      }
    });
  const traces = c.get("deps").traces;
  await (traces ? traces.run(trace, serve) : serve());
  const requestId = c.get("requestId");
  // Hono's middleware set it before the handler ran; a response made without the context (an error
  // answer, a fetched one) still needs it.
  c.res.headers.set("X-Request-Id", requestId);
  c.res.headers.set("traceparent", formatTraceparent(trace));
  const status = c.res.status;
  const seconds = (performance.now() - started) / 1000;
  const route = routeTemplate(c);
  c.get("deps").logger.log(status >= 500 ? "error" : "info", {
    msg: "request",
    requestId,
    traceId: trace.traceId,
    method: c.req.method,
    path: c.req.path,
    route,
    status,
    durationMs: Math.round(seconds * 100_000) / 100,
    actor: c.get("principal")?.id,
  });
  const metrics = c.get("deps").metrics;
  if (metrics) {
    const labels = httpLabels(c.req.method, route, status);
    // Inside the trace: where metrics are log lines (Workers), these carry the trace id too.
    const count = () => {
      metrics.inc("angelshare_http_requests_total", labels);
      if (status >= 500) metrics.inc("angelshare_http_request_errors_total", labels);
      metrics.observe("angelshare_http_request_duration_seconds", seconds, labels);
    };
    if (traces) traces.run(trace, count);
    else count();
  }
});

/**
 * The template of the route that took the request (`/api/v1/spirits/:id`), never the raw path, so a
 * metric has one series per route however many ids there are. The last matched route registered for a
 * method is the handler's (middleware is registered for ALL); with none, nothing matched (a 404).
 */
function routeTemplate(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i]!;
    if (r.method !== "ALL") return r.path;
  }
  return "unmatched";
}

class ThrownNonError extends Error {
  constructor(value: unknown) {
    const name = (value as { constructor?: { name?: string } } | null)?.constructor?.name;
    super(`A non-Error value was thrown (${name ?? typeof value}): ${safeString(value)}`);
    this.name = "ThrownNonError";
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}
