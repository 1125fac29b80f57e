import { and, eq } from "drizzle-orm";
import { isConstraintError } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type BatchRow, batches, type SpiritRow } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { outboxInsert } from "../events/outbox.ts";
import type { Batch, BatchInput } from "./catalog.schemas.ts";
import { toBatch, toBatchColumns } from "./spirit-mapping.ts";

type Actor = { id: string } | undefined;

/** Batches list in the order they were recorded. */
const BATCH_ORDER: Sort<BatchRow> = {
  name: "recorded",
  keys: [
    { column: batches.createdAt, direction: "asc", value: (r) => r.createdAt },
    { column: batches.id, direction: "asc", value: (r) => r.id },
  ],
};

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

/** Batches (lots) of a spirit: batch number unique per spirit, cask numbers, bottling date, count, notes. */
export function createBatchesService(
  deps: Deps,
  audit: AuditService,
  requireSpirit: (id: string) => Promise<SpiritRow>,
) {
  const { db, clock } = deps;
  // A spirit's batches are part of it for consumers: their change is the spirit's `batches` field.
  const batchesChanged = (spiritId: string, at: string) =>
    outboxInsert(db, "spirit.updated", spiritId, { spiritId, fields: ["batches"] }, at);

  const findRow = (spiritId: string, batchId: string) =>
    db.query.batches.findFirst({ where: and(eq(batches.spiritId, spiritId), eq(batches.id, batchId)) });

  const numberTaken = async (spiritId: string, batchNumber: string, exceptId?: string) => {
    const row = await db.query.batches.findFirst({
      where: and(eq(batches.spiritId, spiritId), eq(batches.batchNumber, batchNumber)),
      columns: { id: true },
    });
    return row !== undefined && row.id !== exceptId;
  };

  /** Runs a write; a unique-index failure (a race the pre-check missed) is the same 409. */
  async function guarded<T>(spiritId: string, batchNumber: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (isConstraintError(err, "UNIQUE")) throw duplicateNumber(spiritId, batchNumber);
      throw err;
    }
  }

  async function listBatches(spiritId: string, options: { limit: number; cursor?: string | undefined }) {
    await requireSpirit(spiritId);
    const where = [eq(batches.spiritId, spiritId)];
    if (options.cursor) where.push(afterCursor(BATCH_ORDER, decodeCursor(BATCH_ORDER, options.cursor)));
    return page(
      BATCH_ORDER,
      options.limit,
      (limit) =>
        db
          .select()
          .from(batches)
          .where(and(...where))
          .orderBy(...orderByOf(BATCH_ORDER))
          .limit(limit),
      toBatch,
    );
  }

  async function findBatch(spiritId: string, batchId: string): Promise<Batch | undefined> {
    const row = await findRow(spiritId, batchId);
    return row && toBatch(row);
  }

  async function createBatch(spiritId: string, input: BatchInput, actor?: Actor): Promise<Batch> {
    await requireSpirit(spiritId);
    if (await numberTaken(spiritId, input.batchNumber)) throw duplicateNumber(spiritId, input.batchNumber);
    const now = clock.now();
    const row: BatchRow = {
      id: newId("bat", now.getTime()),
      spiritId,
      ...toBatchColumns(input),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await guarded(spiritId, input.batchNumber, () =>
      db.batch([
        db.insert(batches).values(row),
        audit.entry({
          actorId: actor?.id,
          action: "batch.created",
          subject: row.id,
          detail: { spiritId, batchNumber: row.batchNumber },
        }),
        batchesChanged(spiritId, row.createdAt),
      ]),
    );
    return toBatch(row);
  }

  async function replaceBatch(
    spiritId: string,
    batchId: string,
    input: BatchInput,
    actor?: Actor,
  ): Promise<Batch> {
    await requireSpirit(spiritId);
    if (!(await findRow(spiritId, batchId))) throw batchNotFound(spiritId, batchId);
    if (await numberTaken(spiritId, input.batchNumber, batchId)) {
      throw duplicateNumber(spiritId, input.batchNumber);
    }
    const at = clock.now().toISOString();
    const [updated] = await guarded(spiritId, input.batchNumber, () =>
      db.batch([
        db
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
        batchesChanged(spiritId, at),
      ]),
    );
    const row = updated[0];
    if (!row) throw batchNotFound(spiritId, batchId);
    return toBatch(row);
  }

  return { listBatches, findBatch, createBatch, replaceBatch };
}
