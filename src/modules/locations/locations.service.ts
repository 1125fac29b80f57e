import { and, asc, eq, type SQL } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { readCache } from "../../db/read-cache.ts";
import { type LocationRow, locations } from "../../db/schema/locations.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { coversDestination, type Destination } from "../../http/destinations.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { Location, LocationInput, LocationListQuery } from "./locations.schemas.ts";

const BY_NAME: Sort<LocationRow> = {
  name: "name",
  keys: [
    { column: locations.name, direction: "asc", value: (r) => r.name },
    { column: locations.id, direction: "asc", value: (r) => r.id },
  ],
};

const toLocation = (r: LocationRow): Location => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  country: r.country,
  region: r.region,
  shipsTo: r.shipsTo,
  active: r.active,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/**
 * How long the list of locations is trusted: this service's own writes drop it at once; a change made by
 * another process (or service instance) is seen at most this late.
 */
export const LOCATIONS_CACHE_MS = 5_000;

const notFound = (id: string) => new DomainError("not-found", `Location ${id} was not found.`);

/**
 * A location serves a destination when it is active and its `shipsTo` covers it (the rule is spelled out
 * in src/http/destinations.ts: `*`, a group such as `EU`, the country, or the subdivision).
 */
export function servesDestination(location: Pick<Location, "active" | "shipsTo">, destination: Destination) {
  return location.active && coversDestination(location.shipsTo, destination);
}

/** Warehouses and retail points: where stock is kept and where each ships to. */
export function createLocationsService(deps: Deps, audit: AuditService) {
  const { db, clock } = deps;

  // Prepared once: orders read the locations on every placement, and building the query cost more than
  // running it.
  const allByName = db.select().from(locations).orderBy(asc(locations.name), asc(locations.id)).prepare();

  // ...and read through a short cache: a shop's handful of locations changes rarely, orders ask every time.
  const allRows = readCache<"all", LocationRow[]>({
    ttlMs: LOCATIONS_CACHE_MS,
    maxEntries: 1,
    shareLoads: deps.sharedReads ?? false,
  });

  /** Every location (or only active or inactive ones), by name: a shop has a handful, so this reads them all. */
  const changeListeners = new Set<() => void>();
  /** After a committed write of a location: the cached list goes, and so do views built on its names. */
  function forget() {
    allRows.clear();
    for (const listener of changeListeners) listener();
  }
  /** Calls `listener` after each write of a location (caches of views that show location names). */
  function onChange(listener: () => void): () => void {
    changeListeners.add(listener);
    return () => changeListeners.delete(listener);
  }

  async function list(filter: { active?: boolean } = {}): Promise<Location[]> {
    const rows = await allRows.get("all", () => allByName.all());
    return rows.filter((r) => filter.active === undefined || r.active === filter.active).map(toLocation);
  }

  /** One page of locations by name, for the staff API. */
  async function listPage(q: LocationListQuery) {
    const where: SQL[] = [];
    if (q.kind) where.push(eq(locations.kind, q.kind));
    if (q.active !== undefined) where.push(eq(locations.active, q.active));
    if (q.cursor) where.push(afterCursor(BY_NAME, decodeCursor(BY_NAME, q.cursor)));
    return page(
      BY_NAME,
      q.limit,
      (limit) =>
        db
          .select()
          .from(locations)
          .where(and(...where))
          .orderBy(...orderByOf(BY_NAME))
          .limit(limit),
      toLocation,
    );
  }

  async function find(id: string): Promise<Location | undefined> {
    const row = await db.query.locations.findFirst({ where: eq(locations.id, id) });
    return row && toLocation(row);
  }

  async function get(id: string): Promise<Location> {
    const found = await find(id);
    if (!found) throw notFound(id);
    return found;
  }

  async function create(input: LocationInput, actorId?: string): Promise<Location> {
    const now = clock.now();
    const row: LocationRow = {
      id: newId("loc", now.getTime()),
      ...input,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await db.batch([
      db.insert(locations).values(row),
      audit.entry({ actorId, action: "location.created", subject: row.id, detail: { ...input } }),
    ]);
    forget();
    return toLocation(row);
  }

  /** Replaces every field; a replace that changes nothing leaves `updatedAt` and the audit log alone. */
  async function replace(id: string, input: LocationInput, actorId?: string): Promise<Location> {
    const current = await get(id);
    const same =
      current.name === input.name &&
      current.kind === input.kind &&
      current.country === input.country &&
      current.region === input.region &&
      current.active === input.active &&
      JSON.stringify(current.shipsTo) === JSON.stringify(input.shipsTo);
    if (same) return current;
    const updatedAt = clock.now().toISOString();
    const [updated] = await db.batch([
      db
        .update(locations)
        .set({ ...input, updatedAt })
        .where(eq(locations.id, id))
        .returning(),
      audit.entry({ actorId, action: "location.replaced", subject: id, detail: { ...input } }),
    ]);
    forget();
    if (!updated[0]) throw notFound(id);
    return toLocation(updated[0]);
  }

  /** The active locations that serve the destination, by name. */
  async function serving(destination: Destination): Promise<Location[]> {
    return (await list({ active: true })).filter((l) => servesDestination(l, destination));
  }

  return { list, listPage, find, get, create, replace, servesDestination, serving, onChange };
}

export type LocationsService = ReturnType<typeof createLocationsService>;
