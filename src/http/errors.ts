import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app-env.ts";
import { ProblemError, problemResponse } from "./problem.ts";

/** The app's one error handler: known problems as they are, anything else as a 500 that leaks nothing. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ProblemError) return problemResponse(c, err);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const detail =
      status === 400 && /JSON/i.test(err.message)
        ? "The request body is not valid JSON."
        : err.message || "The request could not be handled.";
    return problemResponse(c, new ProblemError(status, detail));
  }
  c.var.deps?.logger.log("error", {
    msg: "unhandled error",
    requestId: c.var.requestId,
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
