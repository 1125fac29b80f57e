/**
 * The catalog's operations, bound to one context. Each lives in the file of its concern, as a plain function
 * taking the context: spirit-views.ts (a spirit, the copies kept of it, forgetSpirit and its listeners),
 * spirit-changes.ts (creating, replacing, patching, deleting), spirit-listing.ts, catalog-seed.ts,
 * catalog-bulk.ts (CSV), batches.service.ts and variants.service.ts. No HTTP here.
 */
import { rowByKey } from "../../db/kept-read.ts";
import { spirits } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { createBatchesService } from "./batches.service.ts";
import type { Actor, CatalogContext } from "./catalog.context.ts";
import type { SpiritInput, SpiritPatch } from "./catalog.schemas.ts";
import { importSpiritsCsv, spiritCsvPages } from "./catalog-bulk.ts";
import { type CatalogSeedEntry, seedIfEmpty } from "./catalog-seed.ts";
import {
  createSpirit,
  type DeleteOutcome,
  deleteSpirit,
  patchSpirit,
  replaceSpirit,
} from "./spirit-changes.ts";
import { type ListSpiritsParams, listSpirits } from "./spirit-listing.ts";
import { spiritFilterConditions } from "./spirit-query.ts";
import {
  findSpirit,
  findSpiritForOrdering,
  forgetSpirit,
  ORDERING_FACTS_CACHE_MS,
  onSpiritChange,
  requireSpiritRow,
  spiritCopies,
} from "./spirit-views.ts";
import { findVariantRow } from "./variants.service.ts";

export type { Actor, DeleteOutcome, ListSpiritsParams };
export { ORDERING_FACTS_CACHE_MS };

export function createCatalogService(deps: Deps, audit: AuditService) {
  const ctx: CatalogContext = {
    deps,
    audit,
    findRow: rowByKey(deps.db, deps.client, spirits, spirits.id),
    copies: spiritCopies(deps),
  };
  return {
    findSpirit: (id: string) => findSpirit(ctx, id),
    findSpiritForOrdering: (id: string) => findSpiritForOrdering(ctx, id),
    forgetSpirit: (id: string) => forgetSpirit(ctx, id),
    onSpiritChange: (listener: (spiritId: string) => void) => onSpiritChange(ctx, listener),
    createSpirit: (input: SpiritInput, actor?: Actor) => createSpirit(ctx, input, actor),
    replaceSpirit: (id: string, input: SpiritInput, actor?: Actor) => replaceSpirit(ctx, id, input, actor),
    patchSpirit: (id: string, patch: SpiritPatch, actor?: Actor) => patchSpirit(ctx, id, patch, actor),
    deleteSpirit: (id: string, actor?: Actor) => deleteSpirit(ctx, id, actor),
    listSpirits: (params: ListSpiritsParams) => listSpirits(deps, params),
    /** The filter conditions behind listSpirits, for modules that count facets over the same set. */
    filterConditions: spiritFilterConditions,
    seedIfEmpty: (entries: CatalogSeedEntry[]) => seedIfEmpty(ctx, entries),
    /** CSV import (catalog-bulk.ts); the ordering facts of every spirit it updates are dropped. */
    importCsv: (text: string, options: { dryRun: boolean; actorId: string | undefined }) =>
      importSpiritsCsv(deps, audit, text, { ...options, forget: (id) => forgetSpirit(ctx, id) }),
    exportCsvPages: () => spiritCsvPages(deps),
    /** The spirit's own variant (undefined for another spirit's), for orders and inventory to check. */
    findVariant: (spiritId: string, variantId: string) => findVariantRow(deps, spiritId, variantId),
    ...createBatchesService(deps, audit, (id) => requireSpiritRow(ctx, id)),
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
