/** Recording a spirit's batch and replacing one: the batch number stays unique per spirit. */
import { and, eq } from "drizzle-orm";
import { isConstraintError } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { type BatchRow, batches } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { outboxInsert } from "../events/outbox.ts";
import { findBatchRow } from "./batch-views.ts";
import type { BatchActor, BatchesContext } from "./batches.context.ts";
import type { Batch, BatchInput } from "./catalog.schemas.ts";
import { toBatch, toBatchColumns } from "./spirit-mapping.ts";

const duplicateNumber = (spiritId: string, batchNumber: string) =>
  new DomainError(
    "duplicate-batch-number",
    `Spirit ${spiritId} already has a batch numbered ${batchNumber}.`,
    {
      errors: [{ path: "batchNumber", message: "is already used by another batch of this spirit" }],
    },
  );

const batchNotFound = (spiritId: string, batchId: string) =>
  new DomainError("not-found", `Batch ${batchId} of spirit ${spiritId} was not found.`);

// A spirit's batches are part of it for consumers: their change is the spirit's `batches` field.
const batchesChanged = ({ db }: Deps, spiritId: string, at: string) =>
  outboxInsert(db, "spirit.updated", spiritId, { spiritId, fields: ["batches"] }, at);

async function numberTaken(
  { deps }: BatchesContext,
  spiritId: string,
  batchNumber: string,
  exceptId?: string,
) {
  const row = await deps.db.query.batches.findFirst({
    where: and(eq(batches.spiritId, spiritId), eq(batches.batchNumber, batchNumber)),
    columns: { id: true },
  });
  return row !== undefined && row.id !== exceptId;
}

/** Runs a write; a unique-index failure (a race the pre-check missed) is the same 409. */
async function guarded<T>(spiritId: string, batchNumber: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isConstraintError(err, "UNIQUE")) throw duplicateNumber(spiritId, batchNumber);
    throw err;
  }
}

export async function createBatch(
  ctx: BatchesContext,
  spiritId: string,
  input: BatchInput,
  actor?: BatchActor,
): Promise<Batch> {
  const { deps, audit } = ctx;
  await ctx.requireSpirit(spiritId);
  if (await numberTaken(ctx, spiritId, input.batchNumber)) throw duplicateNumber(spiritId, input.batchNumber);
  const now = deps.clock.now();
  const row: BatchRow = {
    id: newId("bat", now.getTime()),
    spiritId,
    ...toBatchColumns(input),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await guarded(spiritId, input.batchNumber, () =>
    deps.db.batch([
      deps.db.insert(batches).values(row),
      audit.entry({
        actorId: actor?.id,
        action: "batch.created",
        subject: row.id,
        detail: { spiritId, batchNumber: row.batchNumber },
      }),
      batchesChanged(deps, spiritId, row.createdAt),
    ]),
  );
  return toBatch(row);
}

export async function replaceBatch(
  ctx: BatchesContext,
  spiritId: string,
  batchId: string,
  input: BatchInput,
  actor?: BatchActor,
): Promise<Batch> {
  const { deps, audit } = ctx;
  await ctx.requireSpirit(spiritId);
  if (!(await findBatchRow(ctx, spiritId, batchId))) throw batchNotFound(spiritId, batchId);
  if (await numberTaken(ctx, spiritId, input.batchNumber, batchId)) {
    throw duplicateNumber(spiritId, input.batchNumber);
  }
  const at = deps.clock.now().toISOString();
  const [updated] = await guarded(spiritId, input.batchNumber, () =>
    deps.db.batch([
      deps.db
        .update(batches)
        .set({ ...toBatchColumns(input), updatedAt: at })
        .where(and(eq(batches.spiritId, spiritId), eq(batches.id, batchId)))
        .returning(),
      audit.entry({
        actorId: actor?.id,
        action: "batch.replaced",
        subject: batchId,
        detail: { spiritId, batchNumber: input.batchNumber },
      }),
      batchesChanged(deps, spiritId, at),
    ]),
  );
  const row = updated[0];
  if (!row) throw batchNotFound(spiritId, batchId);
  return toBatch(row);
}
