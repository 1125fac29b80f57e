/** Locations as staff and other modules read them. */
import { and, eq, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type LocationRow, locations } from "../../db/schema/locations.ts";
import { DomainError } from "../../domain-error.ts";
import { coversDestination, type Destination } from "../../http/destinations.ts";
import { allLocationRows } from "./location-copies.ts";
import type { LocationsContext } from "./locations.context.ts";
import type { Location, LocationListQuery } from "./locations.schemas.ts";

const BY_NAME: Sort<LocationRow> = {
  name: "name",
  keys: [
    { column: locations.name, direction: "asc", value: (r) => r.name },
    { column: locations.id, direction: "asc", value: (r) => r.id },
  ],
};

export const toLocation = (r: LocationRow): Location => ({
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

export const locationNotFound = (id: string) => new DomainError("not-found", `Location ${id} was not found.`);

/** Every location (or only active or inactive ones), by name: a shop has a handful, so this reads them all. */
export async function list(ctx: LocationsContext, filter: { active?: boolean } = {}): Promise<Location[]> {
  const rows = await allLocationRows(ctx);
  return rows.filter((r) => filter.active === undefined || r.active === filter.active).map(toLocation);
}

/** One page of locations by name, for the staff API. */
export async function listPage({ deps: { db } }: LocationsContext, q: LocationListQuery) {
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

export async function find({ deps: { db } }: LocationsContext, id: string): Promise<Location | undefined> {
  const row = await db.query.locations.findFirst({ where: eq(locations.id, id) });
  return row && toLocation(row);
}

export async function get(ctx: LocationsContext, id: string): Promise<Location> {
  const found = await find(ctx, id);
  if (!found) throw locationNotFound(id);
  return found;
}

/**
 * A location serves a destination when it is active and its `shipsTo` covers it (the rule is spelled out
 * in src/http/destinations.ts: `*`, a group such as `EU`, the country, or the subdivision).
 */
export function servesDestination(location: Pick<Location, "active" | "shipsTo">, destination: Destination) {
  return location.active && coversDestination(location.shipsTo, destination);
}

/** The active locations that serve the destination, by name. */
export async function serving(ctx: LocationsContext, destination: Destination): Promise<Location[]> {
  return (await list(ctx, { active: true })).filter((l) => servesDestination(l, destination));
}
