/**
 * Writes of a spirit: creating, replacing, patching, deleting (or archiving what anything refers to). Each
 * is one atomic batch with its audit entry and outbox event, and drops the copies kept of the spirit.
 */
import { eq } from "drizzle-orm";
import { isConstraintError } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { type SpiritRow, spirits } from "../../db/schema/catalog.ts";
import { DomainError, fieldErrors } from "../../domain-error.ts";
import { mergePatch } from "../../http/merge-patch.ts";
import { outboxInsert } from "../events/outbox.ts";
import type { Actor, CatalogContext } from "./catalog.context.ts";
import { type Spirit, type SpiritInput, SpiritInputSchema, type SpiritPatch } from "./catalog.schemas.ts";
import { countReferences, describeReferences, type ReferenceCounts, totalReferences } from "./references.ts";
import { spiritCreatedEvent, spiritUpdateEvents } from "./spirit-events.ts";
import { sameColumns, toSpirit, toSpiritColumns, toSpiritInput } from "./spirit-mapping.ts";
import { forgetSpirit, requireSpiritRow, spiritNotFound } from "./spirit-views.ts";

export type DeleteOutcome =
  | { outcome: "deleted" }
  | { outcome: "archived"; detail: string; references: ReferenceCounts; spirit: Spirit };

export async function createSpirit(
  { deps: { db, clock }, audit }: CatalogContext,
  input: SpiritInput,
  actor?: Actor,
): Promise<Spirit> {
  const now = clock.now();
  const row: SpiritRow = {
    id: newId("spr", now.getTime()),
    ...toSpiritColumns(input),
    ratingAverage: null,
    ratingCount: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await db.batch([
    db.insert(spirits).values(row),
    audit.entry({
      actorId: actor?.id,
      action: "spirit.created",
      subject: row.id,
      detail: { name: row.name },
    }),
    spiritCreatedEvent(db, row, row.createdAt),
  ]);
  return toSpirit(row);
}

async function write(
  ctx: CatalogContext,
  current: SpiritRow,
  input: SpiritInput,
  action: string,
  actor: Actor,
): Promise<Spirit> {
  const { db, clock } = ctx.deps;
  const id = current.id;
  const columns = toSpiritColumns(input);
  // A write that changes nothing is not a change: updatedAt stays and the audit log stays quiet.
  if (sameColumns(current, columns)) return toSpirit(current);
  const at = clock.now().toISOString();
  const [updated] = await db.batch([
    db
      .update(spirits)
      .set({ ...columns, updatedAt: at })
      .where(eq(spirits.id, id))
      .returning(),
    ctx.audit.entry({ actorId: actor?.id, action, subject: id, detail: { name: input.name } }),
    ...spiritUpdateEvents(db, current, columns, at),
  ]);
  forgetSpirit(ctx, id);
  const row = updated[0];
  if (!row) throw spiritNotFound(id);
  return toSpirit(row);
}

export async function replaceSpirit(
  ctx: CatalogContext,
  id: string,
  input: SpiritInput,
  actor?: Actor,
): Promise<Spirit> {
  return write(ctx, await requireSpiritRow(ctx, id), input, "spirit.replaced", actor);
}

/** Applies a merge patch and validates the result as a whole, so a patch can never leave a bad spirit. */
export async function patchSpirit(
  ctx: CatalogContext,
  id: string,
  patch: SpiritPatch,
  actor?: Actor,
): Promise<Spirit> {
  const row = await requireSpiritRow(ctx, id);
  const merged = SpiritInputSchema.safeParse(mergePatch(toSpiritInput(toSpirit(row)), patch));
  if (!merged.success) {
    const errors = fieldErrors(merged.error.issues);
    throw new DomainError(
      "validation",
      `The spirit would not be valid after this patch: ${errors.length} invalid field${errors.length === 1 ? "" : "s"}.`,
      { errors },
    );
  }
  return write(ctx, row, merged.data, "spirit.updated", actor);
}

async function archive(
  ctx: CatalogContext,
  row: SpiritRow,
  references: ReferenceCounts,
  actor: Actor,
): Promise<DeleteOutcome> {
  const { db, clock } = ctx.deps;
  let archived = row;
  if (row.status !== "archived") {
    const at = clock.now().toISOString();
    const [updated] = await db.batch([
      db.update(spirits).set({ status: "archived", updatedAt: at }).where(eq(spirits.id, row.id)).returning(),
      ctx.audit.entry({
        actorId: actor?.id,
        action: "spirit.archived",
        subject: row.id,
        detail: { name: row.name, previousStatus: row.status, references },
      }),
      outboxInsert(db, "spirit.updated", row.id, { spiritId: row.id, fields: ["status"] }, at),
    ]);
    forgetSpirit(ctx, row.id);
    archived = updated[0] ?? { ...row, status: "archived" };
  }
  return {
    outcome: "archived",
    detail: `The spirit is referred to by ${describeReferences(references)}, so it was archived instead of deleted.`,
    references,
    spirit: toSpirit(archived),
  };
}

/**
 * Deletes a spirit nothing refers to; one that anything refers to (batches, stock, orders, wishlists,
 * reviews...) is archived instead, so no history ever points at nothing.
 */
export async function deleteSpirit(ctx: CatalogContext, id: string, actor?: Actor): Promise<DeleteOutcome> {
  const { db, client } = ctx.deps;
  const row = await requireSpiritRow(ctx, id);
  let references = await countReferences(client, "spirits", id);
  if (totalReferences(references) === 0) {
    try {
      await db.batch([
        db.delete(spirits).where(eq(spirits.id, id)),
        ctx.audit.entry({
          actorId: actor?.id,
          action: "spirit.deleted",
          subject: id,
          detail: { name: row.name },
        }),
      ]);
      forgetSpirit(ctx, id);
      return { outcome: "deleted" };
    } catch (err) {
      // Something came to refer to it between the count and the delete: archive after all.
      if (!isConstraintError(err, "FOREIGNKEY")) throw err;
      references = await countReferences(client, "spirits", id);
    }
  }
  return archive(ctx, row, references, actor);
}
