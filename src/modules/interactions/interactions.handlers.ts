import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf, resolveCustomerId } from "../../http/auth.ts";
import { ProblemError } from "../../http/problem.ts";
import type {
  ListInteractionsRoute,
  ListPurchasesRoute,
  RecordInteractionsRoute,
} from "./interactions.routes.ts";

export const recordInteractions: RouteHandler<RecordInteractionsRoute, AppEnv> = async (c) => {
  const customerId = resolveCustomerId(principalOf(c), c.req.valid("param").id);
  // Staff may record for a customer (a kiosk, an import); the customer must exist.
  if (!(await c.get("services").accounts.findById(customerId))) {
    throw new ProblemError(404, "Customer was not found.");
  }
  const result = await c
    .get("services")
    .interactions.recordClientEvents(customerId, c.req.valid("json").events);
  return c.json(result, 202);
};

export const listInteractions: RouteHandler<ListInteractionsRoute, AppEnv> = async (c) => {
  const customerId = resolveCustomerId(principalOf(c), c.req.valid("param").id);
  return c.json(await c.get("services").interactions.list(customerId, c.req.valid("query")), 200);
};

export const listPurchases: RouteHandler<ListPurchasesRoute, AppEnv> = async (c) => {
  const customerId = resolveCustomerId(principalOf(c), c.req.valid("param").id);
  return c.json(await c.get("services").purchases.list(customerId, c.req.valid("query")), 200);
};
