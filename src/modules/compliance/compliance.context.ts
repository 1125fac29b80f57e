import type { ReadCache } from "../../db/read-cache.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";

/** The rules that bear on one destination: its most specific age limit, and a block if any. */
export type DestinationRules = {
  minimumAge: number;
  /** The code whose age limit applied; null for the default age. */
  ageLimitFrom: string | null;
  blocked: { code: string; reason: string } | undefined;
};

/** What every compliance operation takes: the runtime's parts, the audit log, and its copies of the rules. */
export type ComplianceContext = {
  deps: Deps;
  /** Rule edits are recorded in the same atomic batch as the edit itself. */
  audit: Pick<AuditService, "entry">;
  /**
   * Built by destinationRulesCache (purchase-checks.ts). One per service: its edits clear it, so a second
   * copy would keep serving rules this service already changed.
   */
  rulesCache: ReadCache<string, DestinationRules>;
};
