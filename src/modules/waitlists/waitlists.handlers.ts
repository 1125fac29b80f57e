import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf } from "../../http/auth.ts";
import type {
  GetMyWaitlistEntryRoute,
  JoinWaitlistRoute,
  ListWaitlistRoute,
  WithdrawFromWaitlistRoute,
} from "./waitlists.routes.ts";

export const joinWaitlist: RouteHandler<JoinWaitlistRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const entry = await c.get("services").waitlists.join(id, principalOf(c).id, c.req.valid("json"));
  return c.json(entry, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/me` });
};

export const getMyWaitlistEntry: RouteHandler<GetMyWaitlistEntryRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").waitlists.mine(c.req.valid("param").id, principalOf(c).id), 200);

export const withdrawFromWaitlist: RouteHandler<WithdrawFromWaitlistRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").waitlists.withdraw(c.req.valid("param").id, principalOf(c).id), 200);

export const listWaitlist: RouteHandler<ListWaitlistRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").waitlists.list(c.req.valid("param").id, c.req.valid("query")), 200);
