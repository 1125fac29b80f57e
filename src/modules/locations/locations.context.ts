import type { ReadCache } from "../../db/read-cache.ts";
import type { LocationRow } from "../../db/schema/locations.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";

/**
 * The copy of the locations one service instance holds (built by locationCopies, location-copies.ts). One
 * per service: its writes clear it and tell its listeners, so a second copy would serve stale names.
 */
export type LocationCopies = {
  /** Every row by name, on a statement prepared once per service. */
  readAll: () => Promise<LocationRow[]>;
  /** The rows, trusted for LOCATIONS_CACHE_MS. */
  rows: ReadCache<"all", LocationRow[]>;
  /** Told of every write of a location (onLocationsChange): caches of views that show location names. */
  listeners: Set<() => void>;
};

/** What every locations operation takes: the runtime's parts, the audit log, and its copy of the locations. */
export type LocationsContext = {
  deps: Deps;
  /** Location writes are recorded in the same atomic batch as the write itself. */
  audit: Pick<AuditService, "entry">;
  copies: LocationCopies;
};
