import { and, count, eq, type SQL } from "drizzle-orm";
import { isConstraintError } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { rowByKey, selectRows } from "../../db/kept-read.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { readCache } from "../../db/read-cache.ts";
import { batches as batchesTable, type SpiritRow, spirits } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { DomainError, fieldErrors } from "../../domain-error.ts";
import { mergePatch } from "../../http/merge-patch.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { outboxInsert } from "../events/outbox.ts";
import { createBatchesService } from "./batches.service.ts";
import { type Spirit, type SpiritInput, SpiritInputSchema, type SpiritPatch } from "./catalog.schemas.ts";
import { importSpiritsCsv, spiritCsvPages } from "./catalog-bulk.ts";
import { type CatalogSeedEntry, seedRows } from "./catalog-seed.ts";
import { countReferences, describeReferences, type ReferenceCounts, totalReferences } from "./references.ts";
import { spiritCreatedEvent, spiritUpdateEvents } from "./spirit-events.ts";
import { sameColumns, toSpirit, toSpiritColumns, toSpiritInput } from "./spirit-mapping.ts";
import {
  SPIRIT_SORTS,
  type SpiritFilters,
  type SpiritSortName,
  spiritFilterConditions,
} from "./spirit-query.ts";
import { findVariantRow } from "./variants.service.ts";

/** Who made a change, for the audit log. */
export type Actor = { id: string } | undefined;

export type ListSpiritsParams = {
  filters?: SpiritFilters;
  limit: number;
  cursor?: string | undefined;
  /** A named sort, or the search module's own (its keys must end on a unique column). */
  sort?: SpiritSortName | Sort<SpiritRow>;
  /** Extra conditions from other modules (the search module adds full-text matches and more filters). */
  where?: SQL[];
};

export type DeleteOutcome =
  | { outcome: "deleted" }
  | { outcome: "archived"; detail: string; references: ReferenceCounts; spirit: Spirit };

/**
 * How long `findSpiritForOrdering` trusts what it read: this service's own writes drop the entry at once;
 * a change made by another process (or service instance) is seen at most this late.
 */
export const ORDERING_FACTS_CACHE_MS = 3_000;

const spiritNotFound = (id: string) => new DomainError("not-found", `Spirit ${id} was not found.`);

/** The catalog: spirits and their batches. No HTTP here; handlers and other modules call these. */
export function createCatalogService(deps: Deps, audit: AuditService) {
  const { db, clock } = deps;

  const findRow = rowByKey(db, deps.client, spirits, spirits.id);

  async function requireRow(id: string): Promise<SpiritRow> {
    const row = await findRow(id);
    if (!row) throw spiritNotFound(id);
    return row;
  }

  /**
   * The spirit as orders see it (price, status, limits, hold time, release), read through a short cache:
   * every buyer of a drop needs these facts and they change rarely. Not for anything shown as current
   * (ratings move without this service). "Not found" is never cached.
   */
  const orderingFacts = readCache<string, Spirit | undefined>({
    shareLoads: deps.sharedReads ?? false,
    ttlMs: ORDERING_FACTS_CACHE_MS,
    maxEntries: 5_000,
    keep: (spirit) => spirit !== undefined,
  });
  function findSpiritForOrdering(id: string): Promise<Spirit | undefined> {
    return orderingFacts.get(id, () => loadSpirit(id));
  }

  /**
   * Hot reads of spirits (READ_CACHE_MS; off at 0 and on Workers). Exact within this process: every write
   * of a spirit's row drops it before the write answers (this service's own, and reviews' rating recounts
   * through `forgetSpirit`); the lifetime bounds only what another process writing the database leaves.
   * "Not found" is never kept, so a spirit created elsewhere is seen at once.
   */
  const hotSpirits =
    deps.config.READ_CACHE_MS > 0
      ? readCache<string, Spirit | undefined>({
          shareLoads: deps.sharedReads ?? false,
          ttlMs: deps.config.READ_CACHE_MS,
          maxEntries: 10_000,
          keep: (spirit) => spirit !== undefined,
        })
      : undefined;
  const changeListeners = new Set<(spiritId: string) => void>();

  /** After a committed write of the spirit's row: drops every copy of it held in memory, here and by listeners. */
  function forgetSpirit(id: string) {
    hotSpirits?.delete(id);
    orderingFacts.delete(id);
    for (const listener of changeListeners) listener(id);
  }

  /** Calls `listener` with the id of each spirit whose row was written (caches of views built on it). */
  function onSpiritChange(listener: (spiritId: string) => void): () => void {
    changeListeners.add(listener);
    return () => changeListeners.delete(listener);
  }

  const loadSpirit = async (id: string) => {
    const row = await findRow(id);
    return row && toSpirit(row);
  };

  /**
   * The spirit as the API shows it, or undefined. Archived spirits are found too. Shared with every caller
   * when cached: treat it as read-only.
   */
  function findSpirit(id: string): Promise<Spirit | undefined> {
    return hotSpirits ? hotSpirits.get(id, () => loadSpirit(id)) : loadSpirit(id);
  }

  async function createSpirit(input: SpiritInput, actor?: Actor): Promise<Spirit> {
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
    current: SpiritRow,
    input: SpiritInput,
    action: string,
    actor: Actor,
  ): Promise<Spirit> {
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
      audit.entry({ actorId: actor?.id, action, subject: id, detail: { name: input.name } }),
      ...spiritUpdateEvents(db, current, columns, at),
    ]);
    forgetSpirit(id);
    const row = updated[0];
    if (!row) throw spiritNotFound(id);
    return toSpirit(row);
  }

  async function replaceSpirit(id: string, input: SpiritInput, actor?: Actor): Promise<Spirit> {
    return write(await requireRow(id), input, "spirit.replaced", actor);
  }

  /** Applies a merge patch and validates the result as a whole, so a patch can never leave a bad spirit. */
  async function patchSpirit(id: string, patch: SpiritPatch, actor?: Actor): Promise<Spirit> {
    const row = await requireRow(id);
    const merged = SpiritInputSchema.safeParse(mergePatch(toSpiritInput(toSpirit(row)), patch));
    if (!merged.success) {
      const errors = fieldErrors(merged.error.issues);
      throw new DomainError(
        "validation",
        `The spirit would not be valid after this patch: ${errors.length} invalid field${errors.length === 1 ? "" : "s"}.`,
        { errors },
      );
    }
    return write(row, merged.data, "spirit.updated", actor);
  }

  async function archive(row: SpiritRow, references: ReferenceCounts, actor: Actor): Promise<DeleteOutcome> {
    let archived = row;
    if (row.status !== "archived") {
      const at = clock.now().toISOString();
      const [updated] = await db.batch([
        db
          .update(spirits)
          .set({ status: "archived", updatedAt: at })
          .where(eq(spirits.id, row.id))
          .returning(),
        audit.entry({
          actorId: actor?.id,
          action: "spirit.archived",
          subject: row.id,
          detail: { name: row.name, previousStatus: row.status, references },
        }),
        outboxInsert(db, "spirit.updated", row.id, { spiritId: row.id, fields: ["status"] }, at),
      ]);
      forgetSpirit(row.id);
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
  async function deleteSpirit(id: string, actor?: Actor): Promise<DeleteOutcome> {
    const row = await requireRow(id);
    let references = await countReferences(deps.client, "spirits", id);
    if (totalReferences(references) === 0) {
      try {
        await db.batch([
          db.delete(spirits).where(eq(spirits.id, id)),
          audit.entry({
            actorId: actor?.id,
            action: "spirit.deleted",
            subject: id,
            detail: { name: row.name },
          }),
        ]);
        forgetSpirit(id);
        return { outcome: "deleted" };
      } catch (err) {
        // Something came to refer to it between the count and the delete: archive after all.
        if (!isConstraintError(err, "FOREIGNKEY")) throw err;
        references = await countReferences(deps.client, "spirits", id);
      }
    }
    return archive(row, references, actor);
  }

  async function listSpirits(params: ListSpiritsParams) {
    const sort = typeof params.sort === "object" ? params.sort : SPIRIT_SORTS[params.sort ?? "newest"];
    // A bad cursor is a 422 whether or not this query's SQL is known already.
    const after = params.cursor ? decodeCursor(sort, params.cursor) : undefined;
    // A named sort and the simple filters: the SQL is theirs alone, so its compiled text can be reused.
    const memoKey =
      typeof params.sort === "object" || params.where?.length
        ? undefined
        : JSON.stringify(["spirits", sort.name, params.filters ?? {}, params.limit, params.cursor ?? null]);
    const build = (limit: number) => () => {
      const where = [...spiritFilterConditions(params.filters ?? {}), ...(params.where ?? [])];
      if (after) where.push(afterCursor(sort, after));
      return db
        .select()
        .from(spirits)
        .where(and(...where))
        .orderBy(...orderByOf(sort))
        .limit(limit);
    };
    return page(
      sort,
      params.limit,
      (limit) => selectRows(deps.client, spirits, build(limit), memoKey),
      toSpirit,
    );
  }

  /** Loads the demo catalog when there are no spirits at all; answers how many spirits it added. */
  /** Seeds an empty catalog (the demo catalog at first start); answers how many spirits it added. */
  async function seedIfEmpty(entries: CatalogSeedEntry[]): Promise<number> {
    const [existing] = await db.select({ n: count() }).from(spirits);
    if ((existing?.n ?? 0) > 0) return 0;
    const demo = seedRows(entries, clock.now());
    // Fixed demo ids and ON CONFLICT DO NOTHING: two processes seeding at once still make one catalog.
    const [added] = await db.batch([
      db.insert(spirits).values(demo.spirits).onConflictDoNothing().returning({ id: spirits.id }),
      ...(demo.batches.length ? [db.insert(batchesTable).values(demo.batches).onConflictDoNothing()] : []),
      audit.entry({
        actorId: undefined,
        action: "catalog.demo_seeded",
        subject: "catalog",
        detail: { spirits: demo.spirits.length, batches: demo.batches.length },
      }),
    ]);
    return added.length;
  }

  const batches = createBatchesService(deps, audit, requireRow);

  /** CSV import (catalog-bulk.ts); the ordering facts of every spirit it updates are dropped. */
  const importCsv = (text: string, options: { dryRun: boolean; actorId: string | undefined }) =>
    importSpiritsCsv(deps, audit, text, { ...options, forget: (id) => forgetSpirit(id) });

  return {
    findSpirit,
    findSpiritForOrdering,
    forgetSpirit,
    onSpiritChange,
    createSpirit,
    replaceSpirit,
    patchSpirit,
    deleteSpirit,
    listSpirits,
    /** The filter conditions behind listSpirits, for modules that count facets over the same set. */
    filterConditions: spiritFilterConditions,
    seedIfEmpty,
    importCsv,
    exportCsvPages: () => spiritCsvPages(deps),
    /** The spirit's own variant (undefined for another spirit's), for orders and inventory to check. */
    findVariant: (spiritId: string, variantId: string) => findVariantRow(deps, spiritId, variantId),
    ...batches,
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
