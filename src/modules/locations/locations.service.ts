/**
 * Warehouses and retail points: where stock is kept and where each ships to. The operations, bound to one
 * context, live in the file of their concern as plain functions taking it: location-views.ts (reads, and
 * which locations serve a destination), location-changes.ts (staff's writes), location-copies.ts (the
 * copy kept in memory and who is told of writes).
 */
import type { Deps } from "../../deps.ts";
import type { Destination } from "../../http/destinations.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { create, replace } from "./location-changes.ts";
import { locationCopies, onLocationsChange } from "./location-copies.ts";
import { find, get, list, listPage, servesDestination, serving } from "./location-views.ts";
import type { LocationsContext } from "./locations.context.ts";
import type { LocationInput, LocationListQuery } from "./locations.schemas.ts";

export { LOCATIONS_CACHE_MS } from "./location-copies.ts";
export { servesDestination } from "./location-views.ts";

export function createLocationsService(deps: Deps, audit: AuditService) {
  const ctx: LocationsContext = { deps, audit, copies: locationCopies(deps) };
  return {
    list: (filter?: { active?: boolean }) => list(ctx, filter),
    listPage: (q: LocationListQuery) => listPage(ctx, q),
    find: (id: string) => find(ctx, id),
    get: (id: string) => get(ctx, id),
    create: (input: LocationInput, actorId?: string) => create(ctx, input, actorId),
    replace: (id: string, input: LocationInput, actorId?: string) => replace(ctx, id, input, actorId),
    servesDestination,
    serving: (destination: Destination) => serving(ctx, destination),
    /** Calls `listener` after each write of a location (caches of views that show location names). */
    onChange: (listener: () => void) => onLocationsChange(ctx, listener),
  };
}

export type LocationsService = ReturnType<typeof createLocationsService>;
