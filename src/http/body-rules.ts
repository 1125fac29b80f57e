import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { isCsvImport } from "./csv.ts";
import { ProblemError } from "./problem.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  new ProblemError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB).`);

const honoBodyLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw tooLarge();
  },
});

/**
 * Bodies over 1 MiB are refused with 413 before any handler parses them: Hono's bodyLimit trusts a
 * declared Content-Length (the server's framing guarantees the body is no longer) and reads a body of
 * unknown length (chunked) up to the limit. Around it: a Content-Length that is not a number is a 400
 * (Hono would parse it as NaN and let it through), and a body it read is handed on through Hono's body
 * cache with `c.req.raw` put back, because Hono hands it on as a new Request and Bun's `requestIP` only
 * knows the runtime's own (the sign-in throttle keys on the address).
 */
export const limitBody = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.raw.body === null || csvImport(c)) return next();
  declaredLength(c);
  const original = c.req.raw;
  await honoBodyLimit(c, async () => {
    if (c.req.raw !== original) {
      // Hono keeps body promises in this cache (its type says methods) and derives json()/text() from it.
      (c.req.bodyCache as Record<string, Promise<ArrayBuffer>>).arrayBuffer = c.req.raw.arrayBuffer();
      c.req.raw = original;
    }
    await next();
  });
});

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * A request that sends a body must send JSON (415 otherwise), so handlers never guess a format. Without
 * this, the validators would skip a body whose type is not JSON and report every field as missing.
 */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method;
  if (csvImport(c) || oneClickUnsubscribe(c)) return next();
  if ((method === "POST" || method === "PUT" || method === "PATCH") && hasBody(c)) {
    const type = c.req.header("Content-Type");
    if (type === undefined) {
      throw new ProblemError(415, "Send the body as application/json (the Content-Type header is missing).");
    }
    if (!JSON_TYPE.test(type)) {
      throw new ProblemError(415, `Send the body as application/json, not ${type.split(";")[0]!.trim()}.`);
    }
  }
  await next();
});

/** A CSV file sent to a bulk import route: that route checks its type and its own size limit (csvBody). */
const csvImport = (c: Context) =>
  c.req.method === "POST" && isCsvImport(c.req.path, c.req.header("Content-Type"));

const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * A mail client's one-click unsubscribe (RFC 8058): it posts a form, not JSON, and must be understood
 * (src/modules/notifications/). The size limit still applies.
 */
const oneClickUnsubscribe = (c: Context) =>
  c.req.method === "POST" &&
  /\/notifications\/unsubscribe$/.test(c.req.path) &&
  FORM_TYPE.test(c.req.header("Content-Type") ?? "");

/** The Content-Length when it frames the body (not with Transfer-Encoding, which overrides it). */
function declaredLength(c: Context): number | undefined {
  const header = c.req.header("Content-Length");
  if (header === undefined || c.req.header("Transfer-Encoding") !== undefined) return undefined;
  if (!/^\d+$/.test(header.trim())) throw new ProblemError(400, "The Content-Length header is not a number.");
  return Number(header);
}

/**
 * Whether the request carries a body: a positive Content-Length, or a body of unknown length (chunked
 * over HTTP; a stream given to `app.request`). A bodiless POST has neither (Bun gives `body === null`).
 */
function hasBody(c: Context): boolean {
  if (c.req.raw.body === null) return false;
  const length = declaredLength(c);
  return length === undefined || length > 0;
}
