import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { customerIdOf, principalOf } from "../../http/auth.ts";
import { withBodyRules } from "../../http/openapi.ts";
import { ProblemError } from "../../http/problem.ts";
import type {
  AddToWishlistRoute,
  GetCustomerRoute,
  ListWishlistRoute,
  PatchCustomerRoute,
  RemoveFromWishlistRoute,
  ReplaceCustomerRoute,
} from "./customers.routes.ts";

/** `me` resolved, and another customer's id refused as if it did not exist (404). */

export const getCustomer: RouteHandler<GetCustomerRoute, AppEnv> = async (c) => {
  const customer = await c.get("services").customers.getCustomer(customerIdOf(c, c.req.valid("param").id));
  if (!customer) throw new ProblemError(404, "Customer was not found.");
  return c.json(customer, 200);
};

export const replaceCustomer: RouteHandler<ReplaceCustomerRoute, AppEnv> = async (c) => {
  const id = customerIdOf(c, c.req.valid("param").id);
  return c.json(
    await c.get("services").customers.replaceCustomer(id, c.req.valid("json"), principalOf(c)),
    200,
  );
};

export const patchCustomer: RouteHandler<PatchCustomerRoute, AppEnv> = async (c) => {
  const id = customerIdOf(c, c.req.valid("param").id);
  return c.json(
    await c.get("services").customers.patchCustomer(id, c.req.valid("json"), principalOf(c)),
    200,
  );
};

/** Profile rules beside the schema's errors, in one answer (see withBodyRules). */
export const profileRules = (mode: "replace" | "patch") =>
  withBodyRules(async (c, body) => {
    const id = customerIdOf(c, c.req.param("id") ?? "me");
    return c.get("services").customers.profileProblems(id, body, mode);
  });

export const listWishlist: RouteHandler<ListWishlistRoute, AppEnv> = async (c) => {
  const id = customerIdOf(c, c.req.valid("param").id);
  return c.json(await c.get("services").customers.listWishlist(id, c.req.valid("query")), 200);
};

export const addToWishlist: RouteHandler<AddToWishlistRoute, AppEnv> = async (c) => {
  const id = customerIdOf(c, c.req.valid("param").id);
  const { item, created } = await c.get("services").customers.addToWishlist(id, c.req.valid("json").spiritId);
  return created ? c.json(item, 201) : c.json(item, 200);
};

export const removeFromWishlist: RouteHandler<RemoveFromWishlistRoute, AppEnv> = async (c) => {
  const { id: idOrMe, spiritId } = c.req.valid("param");
  await c.get("services").customers.removeFromWishlist(customerIdOf(c, idOrMe), spiritId);
  return c.body(null, 204);
};
