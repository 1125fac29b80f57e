import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { invalidToken } from "./auth.ts";
import { TokenError } from "./tokens.ts";

/**
 * Browsers cannot set headers on a WebSocket handshake or an EventSource: their access token may come as
 * the `token` query parameter instead. One schema and one check for every streaming route.
 */
export const tokenQuerySchema = (description: string) =>
  z.object({
    token: z
      .string()
      .min(1)
      .optional()
      .openapi({ param: { name: "token", in: "query" }, description }),
  });

/**
 * The caller: the bearer token (already checked by the app's middleware) or else the query token. A bad
 * query token is refused (401) rather than taken as anonymous, so a client never mistakes a broken token
 * for being signed out.
 */
export async function principalWithQueryToken(c: Context<AppEnv>, token: string | undefined) {
  if (c.get("principal") || token === undefined) return c.get("principal");
  try {
    return await c.get("services").accounts.principalFor(await c.get("services").tokens.verify(token));
  } catch (err) {
    if (err instanceof TokenError) throw invalidToken(`The token query parameter: ${err.message}`);
    throw err;
  }
}

/** principalWithQueryToken as a middleware, for routes whose access rules read c.get("principal"). */
export const principalFromQueryToken = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await principalWithQueryToken(c, c.req.query("token") || undefined);
  if (principal) c.set("principal", principal);
  await next();
});
