import { createRoute } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  BottleProvenanceSchema,
  CheckpointIdParamsSchema,
  CheckpointListQuerySchema,
  CheckpointListSchema,
  CheckpointSchema,
  ProvenanceKeysSchema,
  SerialParamsSchema,
} from "./provenance.schemas.ts";

const tags = ["Provenance"];

export const getBottleProvenance = createRoute({
  method: "get",
  path: "/bottles/{serial}/provenance",
  tags,
  summary: "A bottle's provenance chain, with its proof",
  description:
    "Every recorded change of the numbered bottle, hash-chained, and the proof of its head in the latest signed checkpoint. No customer data.",
  ...access("public"),
  request: { params: SerialParamsSchema },
  responses: {
    200: jsonContent(BottleProvenanceSchema, "The chain and its proof."),
    ...problemResponses(404, 422),
  },
});

export const listCheckpoints = createRoute({
  method: "get",
  path: "/provenance/checkpoints",
  tags,
  summary: "Signed provenance checkpoints, newest first",
  ...access("public"),
  request: { query: CheckpointListQuerySchema },
  responses: {
    200: jsonContent(CheckpointListSchema, "One page of checkpoints."),
    ...problemResponses(422),
  },
});

export const getCheckpoint = createRoute({
  method: "get",
  path: "/provenance/checkpoints/{id}",
  tags,
  summary: "One provenance checkpoint",
  ...access("public"),
  request: { params: CheckpointIdParamsSchema },
  responses: {
    200: jsonContent(CheckpointSchema, "The checkpoint."),
    ...problemResponses(404, 422),
  },
});

export const createCheckpoint = createRoute({
  method: "post",
  path: "/provenance/checkpoints",
  tags,
  summary: "Sign a checkpoint now (admin)",
  description: "One is made every day by itself; this makes one at once (after a large receipt, say).",
  ...access("admin"),
  middleware: [requireRole("admin")],
  responses: {
    201: jsonContent(CheckpointSchema, "The new checkpoint."),
    ...problemResponses(...AUTH_ERRORS),
  },
});

export const getProvenanceKeys = createRoute({
  method: "get",
  path: "/provenance/keys",
  tags,
  summary: "The keys checkpoints are signed with (a JWK set)",
  description: "Also at /.well-known/provenance-keys.json.",
  ...access("public"),
  responses: { 200: jsonContent(ProvenanceKeysSchema, "The public keys."), ...problemResponses() },
});

export type GetBottleProvenanceRoute = typeof getBottleProvenance;
export type ListCheckpointsRoute = typeof listCheckpoints;
export type GetCheckpointRoute = typeof getCheckpoint;
export type CreateCheckpointRoute = typeof createCheckpoint;
export type GetProvenanceKeysRoute = typeof getProvenanceKeys;
