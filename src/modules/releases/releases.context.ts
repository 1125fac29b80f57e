import type { ReadCache } from "../../db/read-cache.ts";
import type { ReleaseRow } from "../../db/schema/releases.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { EntrantFacts } from "./eligibility.ts";

/** What releases need from other modules (built in releases.wiring.ts). */
export type ReleasesPorts = {
  audit: AuditService;
  spiritExists(spiritId: string): Promise<boolean>;
  /** Bottles the stock engine can still sell of the spirit (its available, all locations). */
  available(spiritId: string): Promise<number>;
  entrantFacts(customerId: string): Promise<EntrantFacts | undefined>;
};

/** What every releases operation takes: the runtime's parts, the other modules' ports, and its cache. */
export type ReleasesContext = {
  deps: Deps;
  ports: ReleasesPorts;
  /** A spirit's releases as order placing sees them (release-gate.ts); writes of a release drop its spirit's. */
  releasesOfSpirit: ReadCache<string, ReleaseRow[]>;
};
