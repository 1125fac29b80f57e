import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../app-env.ts";
import { invalidToken } from "../../http/auth.ts";
import { TokenError } from "../../http/tokens.ts";

/**
 * Browsers cannot set headers on a WebSocket handshake: the access token may come as the `token` query
 * parameter instead (as on the stock sockets). A bad one is refused, never taken as anonymous.
 */
export const principalFromQueryToken = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.req.query("token");
  if (!c.var.principal && token) {
    try {
      const { tokens, accounts } = c.var.services;
      c.set("principal", await accounts.principalFor(await tokens.verify(token)));
    } catch (err) {
      if (err instanceof TokenError) throw invalidToken(`The token query parameter: ${err.message}`);
      throw err;
    }
  }
  await next();
});
