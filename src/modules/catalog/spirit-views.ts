/**
 * A spirit as callers read it, and the copies of it kept in memory: every committed write of a spirit's row
 * goes through forgetSpirit, which drops them and tells the listeners.
 */
import { readCache } from "../../db/read-cache.ts";
import type { SpiritRow } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import type { CatalogContext, SpiritCopies } from "./catalog.context.ts";
import type { Spirit } from "./catalog.schemas.ts";
import { toSpirit } from "./spirit-mapping.ts";

/**
 * How long `findSpiritForOrdering` trusts what it read: this service's own writes drop the entry at once;
 * a change made by another process (or service instance) is seen at most this late.
 */
export const ORDERING_FACTS_CACHE_MS = 3_000;

export const spiritNotFound = (id: string) => new DomainError("not-found", `Spirit ${id} was not found.`);

export function spiritCopies(deps: Deps): SpiritCopies {
  return {
    /**
     * Every buyer of a drop needs a spirit's ordering facts (price, status, limits, hold time, release) and
     * they change rarely. "Not found" is never cached.
     */
    orderingFacts: readCache<string, Spirit | undefined>({
      shareLoads: deps.sharedReads ?? false,
      ttlMs: ORDERING_FACTS_CACHE_MS,
      maxEntries: 5_000,
      keep: (spirit) => spirit !== undefined,
    }),
    /**
     * Hot reads of spirits (READ_CACHE_MS; off at 0 and on Workers). Exact within this process: every write
     * of a spirit's row drops it before the write answers (this service's own, and reviews' rating recounts
     * through `forgetSpirit`); the lifetime bounds only what another process writing the database leaves.
     * "Not found" is never kept, so a spirit created elsewhere is seen at once.
     */
    hot:
      deps.config.READ_CACHE_MS > 0
        ? readCache<string, Spirit | undefined>({
            shareLoads: deps.sharedReads ?? false,
            ttlMs: deps.config.READ_CACHE_MS,
            maxEntries: 10_000,
            keep: (spirit) => spirit !== undefined,
          })
        : undefined,
    listeners: new Set(),
  };
}

export async function requireSpiritRow(ctx: CatalogContext, id: string): Promise<SpiritRow> {
  const row = await ctx.findRow(id);
  if (!row) throw spiritNotFound(id);
  return row;
}

async function loadSpirit(ctx: CatalogContext, id: string) {
  const row = await ctx.findRow(id);
  return row && toSpirit(row);
}

/**
 * The spirit as the API shows it, or undefined. Archived spirits are found too. Shared with every caller
 * when cached: treat it as read-only.
 */
export function findSpirit(ctx: CatalogContext, id: string): Promise<Spirit | undefined> {
  const hot = ctx.copies.hot;
  return hot ? hot.get(id, () => loadSpirit(ctx, id)) : loadSpirit(ctx, id);
}

/**
 * The spirit as orders see it, read through a short cache. Not for anything shown as current (ratings move
 * without this service).
 */
export function findSpiritForOrdering(ctx: CatalogContext, id: string): Promise<Spirit | undefined> {
  return ctx.copies.orderingFacts.get(id, () => loadSpirit(ctx, id));
}

/** After a committed write of the spirit's row: drops every copy of it held in memory, here and by listeners. */
export function forgetSpirit({ copies }: CatalogContext, id: string) {
  copies.hot?.delete(id);
  copies.orderingFacts.delete(id);
  for (const listener of copies.listeners) listener(id);
}

/** Calls `listener` with the id of each spirit whose row was written (caches of views built on it). */
export function onSpiritChange({ copies }: CatalogContext, listener: (spiritId: string) => void): () => void {
  copies.listeners.add(listener);
  return () => copies.listeners.delete(listener);
}
