import type { ReadCache } from "../../db/read-cache.ts";
import type { SpiritRow } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { Spirit } from "./catalog.schemas.ts";

/** Who made a change, for the audit log. */
export type Actor = { id: string } | undefined;

/**
 * The copies of spirits one service instance holds in memory (built by spiritCopies, spirit-views.ts). One
 * set per service: its writes drop their own entries, so two sets would serve each other's stale rows.
 */
export type SpiritCopies = {
  /** What orders read of a spirit, trusted for ORDERING_FACTS_CACHE_MS. */
  orderingFacts: ReadCache<string, Spirit | undefined>;
  /** Hot reads of spirits; undefined with READ_CACHE_MS=0 (and on Workers). */
  hot?: ReadCache<string, Spirit | undefined>;
  /** Told of every written spirit (onSpiritChange): caches of views built on its row. */
  listeners: Set<(spiritId: string) => void>;
};

/** What every catalog operation takes: the runtime's parts, the audit log, and its reads of spirits. */
export type CatalogContext = {
  deps: Deps;
  audit: AuditService;
  /** A spirit's row by id, on a statement built once per service (src/db/kept-read.ts). */
  findRow: (id: string) => Promise<SpiritRow | undefined>;
  copies: SpiritCopies;
};
