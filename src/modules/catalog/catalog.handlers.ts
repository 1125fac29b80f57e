import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { ProblemError } from "../../http/problem.ts";
import type {
  CreateBatchRoute,
  CreateSpiritRoute,
  DeleteSpiritRoute,
  GetBatchRoute,
  GetSpiritRoute,
  ListBatchesRoute,
  PatchSpiritRoute,
  ReplaceBatchRoute,
  ReplaceSpiritRoute,
} from "./catalog.routes.ts";
import { activeVariants } from "./variants.service.ts";

const spiritNotFound = (id: string) => new ProblemError(404, `Spirit ${id} was not found.`);

/** Where a created resource lives: the collection path the request went to, plus the new id. */
const locationOf = (collectionPath: string, id: string) => `${collectionPath.replace(/\/+$/, "")}/${id}`;

export const createSpirit: RouteHandler<CreateSpiritRoute, AppEnv> = async (c) => {
  const spirit = await c.get("services").catalog.createSpirit(c.req.valid("json"), c.get("principal"));
  return c.json(spirit, 201, { Location: locationOf(c.req.path, spirit.id) });
};

export const getSpirit: RouteHandler<GetSpiritRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  // Side by side: at the edge each read is a round trip to the database, and most spirits have no variants.
  const [spirit, variants] = await Promise.all([
    c.get("services").catalog.findSpirit(id),
    activeVariants(c.get("deps"), id),
  ]);
  if (!spirit) throw spiritNotFound(id);
  return c.json(variants.length ? { ...spirit, variants } : spirit, 200);
};

export const replaceSpirit: RouteHandler<ReplaceSpiritRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(
    await c.get("services").catalog.replaceSpirit(id, c.req.valid("json"), c.get("principal")),
    200,
  );
};

export const patchSpirit: RouteHandler<PatchSpiritRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(
    await c.get("services").catalog.patchSpirit(id, c.req.valid("json"), c.get("principal")),
    200,
  );
};

export const deleteSpirit: RouteHandler<DeleteSpiritRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await c.get("services").catalog.deleteSpirit(id, c.get("principal"));
  if (result.outcome === "deleted") return c.body(null, 204);
  return c.json(result, 200);
};

export const listBatches: RouteHandler<ListBatchesRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(await c.get("services").catalog.listBatches(id, c.req.valid("query")), 200);
};

export const createBatch: RouteHandler<CreateBatchRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const batch = await c.get("services").catalog.createBatch(id, c.req.valid("json"), c.get("principal"));
  return c.json(batch, 201, { Location: locationOf(c.req.path, batch.id) });
};

export const getBatch: RouteHandler<GetBatchRoute, AppEnv> = async (c) => {
  const { id, batchId } = c.req.valid("param");
  const batch = await c.get("services").catalog.findBatch(id, batchId);
  if (!batch) {
    const spiritExists = await c.get("services").catalog.findSpirit(id);
    throw spiritExists
      ? new ProblemError(404, `Batch ${batchId} of spirit ${id} was not found.`)
      : spiritNotFound(id);
  }
  return c.json(batch, 200);
};

export const replaceBatch: RouteHandler<ReplaceBatchRoute, AppEnv> = async (c) => {
  const { id, batchId } = c.req.valid("param");
  const batch = await c
    .get("services")
    .catalog.replaceBatch(id, batchId, c.req.valid("json"), c.get("principal"));
  return c.json(batch, 200);
};
