import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import type {
  DeleteAgeLimitRoute,
  DeleteBlockedDestinationRoute,
  GetRulesRoute,
  PutAgeLimitRoute,
  PutBlockedDestinationRoute,
} from "./compliance.routes.ts";

export const getRules: RouteHandler<GetRulesRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").compliance.rules(), 200);

export const putAgeLimit: RouteHandler<PutAgeLimitRoute, AppEnv> = async (c) => {
  const { code } = c.req.valid("param");
  const r = await c.get("services").compliance.setAgeLimit(code, c.req.valid("json"), c.get("principal")?.id);
  return r.created ? c.json(r.ageLimit, 201) : c.json(r.ageLimit, 200);
};

export const deleteAgeLimit: RouteHandler<DeleteAgeLimitRoute, AppEnv> = async (c) => {
  await c.get("services").compliance.removeAgeLimit(c.req.valid("param").code, c.get("principal")?.id);
  return c.body(null, 204);
};

export const putBlockedDestination: RouteHandler<PutBlockedDestinationRoute, AppEnv> = async (c) => {
  const { code } = c.req.valid("param");
  const r = await c
    .get("services")
    .compliance.blockDestination(code, c.req.valid("json"), c.get("principal")?.id);
  return r.created ? c.json(r.destination, 201) : c.json(r.destination, 200);
};

export const deleteBlockedDestination: RouteHandler<DeleteBlockedDestinationRoute, AppEnv> = async (c) => {
  await c.get("services").compliance.unblockDestination(c.req.valid("param").code, c.get("principal")?.id);
  return c.body(null, 204);
};
