import { createMiddleware } from "hono/factory";
import { requestId } from "hono/request-id";
import type { AppEnv } from "../app-env.ts";
import { handleError } from "./errors.ts";

/** The caller's X-Request-Id when it is sane (at most 128 of A-Z a-z 0-9 _ - =), else a fresh UUID. */
const assignRequestId = requestId({ limitLength: 128 });

/** Gives every request an id and logs one line when it ends. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await assignRequestId(c, async () => {
    try {
      await next();
    } catch (err) {
      // Hono hands only Error instances to app.onError and rethrows anything else (a library that throws a
      // plain object, a `throw "text"`): answer those with the same leak-nothing 500.
      if (err instanceof Error) throw err;
      c.res = handleError(new ThrownNonError(err), c);
    }
  });
  const requestId = c.var.requestId;
  // Hono's middleware set it before the handler ran; a response made without the context (an error
  // answer, a fetched one) still needs it.
  c.res.headers.set("X-Request-Id", requestId);
  const status = c.res.status;
  c.var.deps.logger.log(status >= 500 ? "error" : "info", {
    msg: "request",
    requestId,
    method: c.req.method,
    path: c.req.path,
    status,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    actor: c.var.principal?.id,
  });
});

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
