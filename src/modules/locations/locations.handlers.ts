import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import type {
  CreateLocationRoute,
  GetLocationRoute,
  ListLocationsRoute,
  ReplaceLocationRoute,
} from "./locations.routes.ts";

export const listLocations: RouteHandler<ListLocationsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").locations.listPage(c.req.valid("query")), 200);

export const createLocation: RouteHandler<CreateLocationRoute, AppEnv> = async (c) => {
  const location = await c.get("services").locations.create(c.req.valid("json"), c.get("principal")?.id);
  return c.json(location, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${location.id}` });
};

export const getLocation: RouteHandler<GetLocationRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").locations.get(c.req.valid("param").id), 200);

export const replaceLocation: RouteHandler<ReplaceLocationRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(
    await c.get("services").locations.replace(id, c.req.valid("json"), c.get("principal")?.id),
    200,
  );
};
