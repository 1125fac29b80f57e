/**
 * Staff's writes of locations: each is written with its audit entry in one batch, then drops this
 * service's copy so the next order sees the change.
 */
import { eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { type LocationRow, locations } from "../../db/schema/locations.ts";
import { forgetLocations } from "./location-copies.ts";
import { get, locationNotFound, toLocation } from "./location-views.ts";
import type { LocationsContext } from "./locations.context.ts";
import type { Location, LocationInput } from "./locations.schemas.ts";

export async function create(
  ctx: LocationsContext,
  input: LocationInput,
  actorId?: string,
): Promise<Location> {
  const { db, clock } = ctx.deps;
  const now = clock.now();
  const row: LocationRow = {
    id: newId("loc", now.getTime()),
    ...input,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await db.batch([
    db.insert(locations).values(row),
    ctx.audit.entry({ actorId, action: "location.created", subject: row.id, detail: { ...input } }),
  ]);
  forgetLocations(ctx);
  return toLocation(row);
}

/** Replaces every field; a replace that changes nothing leaves `updatedAt` and the audit log alone. */
export async function replace(
  ctx: LocationsContext,
  id: string,
  input: LocationInput,
  actorId?: string,
): Promise<Location> {
  const { db, clock } = ctx.deps;
  const current = await get(ctx, id);
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
    ctx.audit.entry({ actorId, action: "location.replaced", subject: id, detail: { ...input } }),
  ]);
  forgetLocations(ctx);
  if (!updated[0]) throw locationNotFound(id);
  return toLocation(updated[0]);
}
