import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import type { ListEventsRoute } from "./events.routes.ts";

export const listEvents: RouteHandler<ListEventsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").events.listEvents(c.req.valid("query")), 200);
