import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { cachedContent, cachedRead, NOT_MODIFIED } from "../../http/http-cache.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  BatchIdParamsSchema,
  BatchInputSchema,
  BatchListSchema,
  BatchSchema,
  PageQuerySchema,
  SpiritArchivedSchema,
  SpiritIdParamsSchema,
  SpiritInputSchema,
  SpiritPatchSchema,
  SpiritSchema,
} from "./catalog.schemas.ts";
import { SpiritViewSchema } from "./variants.schemas.ts";

const tags = ["Catalog"];
const staffOnly = [requireRole("staff", "admin")];

const locationHeader = z.object({
  Location: z.string().openapi({ description: "The URL of the created resource." }),
});

export const createSpirit = createRoute({
  method: "post",
  path: "/spirits",
  tags,
  summary: "Add a spirit (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: jsonBody(SpiritInputSchema),
  responses: {
    201: { ...jsonContent(SpiritSchema, "The spirit as stored."), headers: locationHeader },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS),
  },
});

export const getSpirit = createRoute({
  method: "get",
  path: "/spirits/{id}",
  tags,
  summary: "Read a spirit (archived ones too)",
  ...access("public", { readsToken: true }),
  ...cachedRead("catalog"),
  request: { params: SpiritIdParamsSchema },
  responses: {
    200: cachedContent(SpiritViewSchema, "The spirit, with its active variants when it has any."),
    ...NOT_MODIFIED,
    ...problemResponses(401, 404),
  },
});

export const replaceSpirit = createRoute({
  method: "put",
  path: "/spirits/{id}",
  tags,
  summary: "Replace a spirit (staff)",
  description: "A full replace: optional fields left out are cleared.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema, ...jsonBody(SpiritInputSchema) },
  responses: {
    200: jsonContent(SpiritSchema, "The spirit as stored."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404),
  },
});

export const patchSpirit = createRoute({
  method: "patch",
  path: "/spirits/{id}",
  tags,
  summary: "Change some fields of a spirit (staff)",
  description:
    "A JSON merge patch (RFC 7396), sent as `application/merge-patch+json` or `application/json`. " +
    "The result is validated as a whole spirit.",
  ...access("staff"),
  middleware: staffOnly,
  request: {
    params: SpiritIdParamsSchema,
    body: {
      required: true,
      content: {
        "application/merge-patch+json": { schema: SpiritPatchSchema },
        "application/json": { schema: SpiritPatchSchema },
      },
    },
  },
  responses: {
    200: jsonContent(SpiritSchema, "The spirit as stored."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404),
  },
});

export const deleteSpirit = createRoute({
  method: "delete",
  path: "/spirits/{id}",
  tags,
  summary: "Delete a spirit, or archive it when anything refers to it (staff)",
  description:
    "A spirit nothing refers to is deleted (204). One that batches, stock, orders, wishlists or reviews " +
    "refer to is archived instead (200), so history never points at nothing.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema },
  responses: {
    200: jsonContent(SpiritArchivedSchema, "Archived instead of deleted: other records refer to it."),
    204: { description: "Deleted." },
    ...problemResponses(...AUTH_ERRORS, 404),
  },
});

export const listBatches = createRoute({
  method: "get",
  path: "/spirits/{id}/batches",
  tags,
  summary: "List the batches of a spirit",
  ...access("public", { readsToken: true }),
  ...cachedRead("catalog"),
  request: { params: SpiritIdParamsSchema, query: PageQuerySchema },
  responses: {
    200: cachedContent(BatchListSchema, "One page of batches, in the order they were recorded."),
    ...NOT_MODIFIED,
    ...problemResponses(401, 404, 422),
  },
});

export const createBatch = createRoute({
  method: "post",
  path: "/spirits/{id}/batches",
  tags,
  summary: "Record a batch of a spirit (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema, ...jsonBody(BatchInputSchema) },
  responses: {
    201: { ...jsonContent(BatchSchema, "The batch as stored."), headers: locationHeader },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const getBatch = createRoute({
  method: "get",
  path: "/spirits/{id}/batches/{batchId}",
  tags,
  summary: "Read a batch",
  ...access("public", { readsToken: true }),
  ...cachedRead("catalog"),
  request: { params: BatchIdParamsSchema },
  responses: {
    200: cachedContent(BatchSchema, "The batch."),
    ...NOT_MODIFIED,
    ...problemResponses(401, 404),
  },
});

export const replaceBatch = createRoute({
  method: "put",
  path: "/spirits/{id}/batches/{batchId}",
  tags,
  summary: "Replace a batch (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: BatchIdParamsSchema, ...jsonBody(BatchInputSchema) },
  responses: {
    200: jsonContent(BatchSchema, "The batch as stored."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export type CreateSpiritRoute = typeof createSpirit;
export type GetSpiritRoute = typeof getSpirit;
export type ReplaceSpiritRoute = typeof replaceSpirit;
export type PatchSpiritRoute = typeof patchSpirit;
export type DeleteSpiritRoute = typeof deleteSpirit;
export type ListBatchesRoute = typeof listBatches;
export type CreateBatchRoute = typeof createBatch;
export type GetBatchRoute = typeof getBatch;
export type ReplaceBatchRoute = typeof replaceBatch;
