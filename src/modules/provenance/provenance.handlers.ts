import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import type {
  CreateCheckpointRoute,
  GetBottleProvenanceRoute,
  GetCheckpointRoute,
  GetProvenanceKeysRoute,
  ListCheckpointsRoute,
} from "./provenance.routes.ts";

export const getBottleProvenance: RouteHandler<GetBottleProvenanceRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").provenance.bottle(c.req.valid("param").serial), 200);

export const listCheckpoints: RouteHandler<ListCheckpointsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").provenance.listCheckpoints(c.req.valid("query")), 200);

export const getCheckpoint: RouteHandler<GetCheckpointRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").provenance.getCheckpoint(c.req.valid("param").id), 200);

export const createCheckpoint: RouteHandler<CreateCheckpointRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").provenance.createCheckpoint(), 201);

export const getProvenanceKeys: RouteHandler<GetProvenanceKeysRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").provenance.keys(), 200);
