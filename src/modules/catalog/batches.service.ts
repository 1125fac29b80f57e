/**
 * Batches (lots) of a spirit, bound to one context for the catalog's service: batch-views.ts (reading them)
 * and batch-changes.ts (recording and replacing one) hold the operations as plain functions.
 */
import type { SpiritRow } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { createBatch, replaceBatch } from "./batch-changes.ts";
import { findBatch, listBatches } from "./batch-views.ts";
import type { BatchActor, BatchesContext } from "./batches.context.ts";
import type { BatchInput } from "./catalog.schemas.ts";

export function createBatchesService(
  deps: Deps,
  audit: AuditService,
  requireSpirit: (id: string) => Promise<SpiritRow>,
) {
  const ctx: BatchesContext = { deps, audit, requireSpirit };
  return {
    listBatches: (spiritId: string, options: { limit: number; cursor?: string | undefined }) =>
      listBatches(ctx, spiritId, options),
    findBatch: (spiritId: string, batchId: string) => findBatch(ctx, spiritId, batchId),
    createBatch: (spiritId: string, input: BatchInput, actor?: BatchActor) =>
      createBatch(ctx, spiritId, input, actor),
    replaceBatch: (spiritId: string, batchId: string, input: BatchInput, actor?: BatchActor) =>
      replaceBatch(ctx, spiritId, batchId, input, actor),
  };
}
