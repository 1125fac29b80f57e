import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { ProblemError } from "./problem.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  new ProblemError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB).`);

/**
 * Bodies over 1 MiB are refused with 413 before any handler parses them. A declared Content-Length is
 * checked as it stands (the server's framing guarantees the body is no longer). A body of unknown length
 * (chunked) is read here, at most 1 MiB + 1 byte, and handed on through Hono's body cache, so
 * `c.req.json()` and the validators see it while `c.req.raw` stays the runtime's own request (Bun's
 * `requestIP` only knows that object).
 */
export const limitBody = createMiddleware<AppEnv>(async (c, next) => {
  const raw = c.req.raw;
  if (raw.body === null || raw.method === "GET" || raw.method === "HEAD") return next();
  const length = declaredLength(c);
  if (length !== undefined) {
    if (length > MAX_BODY_BYTES) throw tooLarge();
    return next();
  }
  const bytes = await readAtMost(raw.body, MAX_BODY_BYTES);
  if (!bytes) throw tooLarge();
  // Hono keeps body promises in this cache (its type says methods) and derives json()/text() from it.
  (c.req.bodyCache as Record<string, Promise<ArrayBuffer>>).arrayBuffer = Promise.resolve(bytes.buffer);
  await next();
});

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * A request that sends a body must send JSON (415 otherwise), so handlers never guess a format. Without
 * this, the validators would skip a body whose type is not JSON and report every field as missing.
 */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method;
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

/** Reads the whole stream, or gives up (and cancels it) once it is over `max` bytes. */
async function readAtMost(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
