/**
 * The locations kept in memory: a shop has a handful, they change rarely, and orders read them on every
 * placement.
 */
import { asc } from "drizzle-orm";
import { readCache } from "../../db/read-cache.ts";
import { type LocationRow, locations } from "../../db/schema/locations.ts";
import type { Deps } from "../../deps.ts";
import type { LocationCopies, LocationsContext } from "./locations.context.ts";

/**
 * How long the list of locations is trusted: this service's own writes drop it at once; a change made by
 * another process (or service instance) is seen at most this late.
 */
export const LOCATIONS_CACHE_MS = 5_000;

export function locationCopies({ db, sharedReads }: Deps): LocationCopies {
  // Prepared once: building the query cost more than running it.
  const allByName = db.select().from(locations).orderBy(asc(locations.name), asc(locations.id)).prepare();
  return {
    readAll: () => allByName.all(),
    rows: readCache<"all", LocationRow[]>({
      ttlMs: LOCATIONS_CACHE_MS,
      maxEntries: 1,
      shareLoads: sharedReads ?? false,
    }),
    listeners: new Set(),
  };
}

/** Every location row, by name. */
export function allLocationRows({ copies }: LocationsContext): Promise<LocationRow[]> {
  return copies.rows.get("all", copies.readAll);
}

/** After a committed write of a location: the cached list goes, and so do views built on its names. */
export function forgetLocations({ copies }: LocationsContext): void {
  copies.rows.clear();
  for (const listener of copies.listeners) listener();
}

/** Calls `listener` after each write of a location (caches of views that show location names). */
export function onLocationsChange({ copies }: LocationsContext, listener: () => void): () => void {
  copies.listeners.add(listener);
  return () => copies.listeners.delete(listener);
}
