/** A spirit's batches as callers see them: one, or a page in the order they were recorded. */
import { and, eq } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type BatchRow, batches } from "../../db/schema/catalog.ts";
import type { BatchesContext } from "./batches.context.ts";
import type { Batch } from "./catalog.schemas.ts";
import { toBatch } from "./spirit-mapping.ts";

const BATCH_ORDER: Sort<BatchRow> = {
  name: "recorded",
  keys: [
    { column: batches.createdAt, direction: "asc", value: (r) => r.createdAt },
    { column: batches.id, direction: "asc", value: (r) => r.id },
  ],
};

export const findBatchRow = ({ deps }: BatchesContext, spiritId: string, batchId: string) =>
  deps.db.query.batches.findFirst({ where: and(eq(batches.spiritId, spiritId), eq(batches.id, batchId)) });

export async function listBatches(
  ctx: BatchesContext,
  spiritId: string,
  options: { limit: number; cursor?: string | undefined },
) {
  await ctx.requireSpirit(spiritId);
  const where = [eq(batches.spiritId, spiritId)];
  if (options.cursor) where.push(afterCursor(BATCH_ORDER, decodeCursor(BATCH_ORDER, options.cursor)));
  return page(
    BATCH_ORDER,
    options.limit,
    (limit) =>
      ctx.deps.db
        .select()
        .from(batches)
        .where(and(...where))
        .orderBy(...orderByOf(BATCH_ORDER))
        .limit(limit),
    toBatch,
  );
}

export async function findBatch(
  ctx: BatchesContext,
  spiritId: string,
  batchId: string,
): Promise<Batch | undefined> {
  const row = await findBatchRow(ctx, spiritId, batchId);
  return row && toBatch(row);
}
