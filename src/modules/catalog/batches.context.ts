import type { SpiritRow } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";

/** What every batch operation takes: the runtime's parts, the audit log, and the catalog's spirit check. */
export type BatchesContext = {
  deps: Deps;
  audit: AuditService;
  /** The spirit's row, or the catalog's 404 (a batch belongs to a spirit). */
  requireSpirit: (id: string) => Promise<SpiritRow>;
};

export type BatchActor = { id: string } | undefined;
