import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { ProblemError } from "./problem.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Bodies over 1 MiB are refused with 413 before they are read whole. */
export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ProblemError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  },
});

const JSON_TYPE = /^application\/([a-z.+-]*\+)?json\s*(;|$)/i;

/** A request that sends a body must send JSON (415 otherwise), so handlers never guess a format. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method;
  if (method === "POST" || method === "PUT" || method === "PATCH") {
    const length = c.req.header("Content-Length");
    const hasBody = c.req.raw.body !== null && length !== "0";
    const type = c.req.header("Content-Type");
    if (hasBody && type !== undefined && !JSON_TYPE.test(type)) {
      throw new ProblemError(415, `Send the body as application/json, not ${type.split(";")[0]}.`);
    }
    if (hasBody && type === undefined && length !== undefined) {
      throw new ProblemError(415, "Send the body as application/json (the Content-Type header is missing).");
    }
  }
  await next();
});
