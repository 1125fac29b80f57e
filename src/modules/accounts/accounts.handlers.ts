import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf } from "../../http/auth.ts";
import { ProblemError } from "../../http/problem.ts";
import type {
  CreateAccountRoute,
  GetAccountRoute,
  ListAccountsRoute,
  UpdateAccountRoute,
} from "./accounts.routes.ts";

export const listAccounts: RouteHandler<ListAccountsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").accounts.listAccounts(c.req.valid("query")), 200);

export const createAccount: RouteHandler<CreateAccountRoute, AppEnv> = async (c) => {
  const account = await c.get("services").accounts.createStaffAccount(c.req.valid("json"), principalOf(c));
  return c.json(account, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${account.id}` });
};

export const getAccount: RouteHandler<GetAccountRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const account = await c.get("services").accounts.getAccount(id);
  if (!account) throw new ProblemError(404, `Account ${id} was not found.`);
  return c.json(account, 200);
};

export const updateAccount: RouteHandler<UpdateAccountRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(await c.get("services").accounts.updateAccount(id, c.req.valid("json"), principalOf(c)), 200);
};
