import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { isStaff } from "../../http/auth.ts";
import { ProblemError } from "../../http/problem.ts";
import type { CreateVariantRoute, ListVariantsRoute, PatchVariantRoute } from "./variants.routes.ts";
import * as variants from "./variants.service.ts";

async function spiritOf(c: Context<AppEnv>, id: string) {
  const spirit = await c.get("services").catalog.findSpirit(id);
  if (!spirit) throw new ProblemError(404, `Spirit ${id} was not found.`);
  return spirit;
}

export const listVariants: RouteHandler<ListVariantsRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  await spiritOf(c, id);
  const query = c.req.valid("query");
  const page = await variants.listVariants(c.get("deps"), id, {
    ...query,
    includeRetired: isStaff(c.get("principal")),
  });
  return c.json(page, 200);
};

export const createVariant: RouteHandler<CreateVariantRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const spirit = await spiritOf(c, id);
  const deps = c.get("deps");
  const services = c.get("services");
  const principal = c.get("principal");
  const variant = await variants.createVariant(deps, services.audit, spirit, c.req.valid("json"), principal);
  // The spirit's view lists its variants: every kept copy of it (the front cache's answers) is now old.
  services.catalog.forgetSpirit(id);
  return c.json(variant, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${variant.id}` });
};

export const patchVariant: RouteHandler<PatchVariantRoute, AppEnv> = async (c) => {
  const { id, variantId } = c.req.valid("param");
  const spirit = await spiritOf(c, id);
  const deps = c.get("deps");
  const services = c.get("services");
  const principal = c.get("principal");
  const patch = c.req.valid("json");
  const variant = await variants.patchVariant(deps, services.audit, spirit, variantId, patch, principal);
  services.catalog.forgetSpirit(id);
  return c.json(variant, 200);
};
