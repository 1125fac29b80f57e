import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { clientAddressOf } from "../../http/client-address.ts";
import type { LoginRoute, LogoutRoute, RefreshRoute, RegisterRoute } from "./auth.routes.ts";

/** The caller as the runtime sees it, for per-client limits; one shared key when the runtime cannot say. */
export const clientOf = (c: Context<AppEnv>): string =>
  clientAddressOf(c, c.get("deps").clientAddress) ?? "unknown";

export const register: RouteHandler<RegisterRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").auth.register(c.req.valid("json"), clientOf(c)), 202);

export const login: RouteHandler<LoginRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").auth.login(c.req.valid("json"), clientOf(c)), 200, {
    "Cache-Control": "no-store",
  });

export const refresh: RouteHandler<RefreshRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").auth.refresh(c.req.valid("json").refreshToken), 200, {
    "Cache-Control": "no-store",
  });

export const logout: RouteHandler<LogoutRoute, AppEnv> = async (c) => {
  await c.get("services").auth.logout(c.req.valid("json").refreshToken);
  return c.body(null, 204);
};
