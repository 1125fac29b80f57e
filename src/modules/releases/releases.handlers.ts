import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf } from "../../http/auth.ts";
import type {
  CheckReleaseEligibilityRoute,
  CreateReleaseRoute,
  GetReleaseRoute,
  ListReleasesRoute,
  PatchReleaseRoute,
} from "./releases.routes.ts";

export const listReleases: RouteHandler<ListReleasesRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").releases.listPage(c.req.valid("query")), 200);

export const createRelease: RouteHandler<CreateReleaseRoute, AppEnv> = async (c) => {
  const release = await c.get("services").releases.create(c.req.valid("json"), c.get("principal")?.id);
  return c.json(release, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${release.id}` });
};

export const getRelease: RouteHandler<GetReleaseRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").releases.get(c.req.valid("param").id), 200);

export const patchRelease: RouteHandler<PatchReleaseRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(await c.get("services").releases.patch(id, c.req.valid("json"), c.get("principal")?.id), 200);
};

export const checkReleaseEligibility: RouteHandler<CheckReleaseEligibilityRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").releases.eligibility(c.req.valid("param").id, principalOf(c).id), 200);
