import { newId } from "../../db/ids.ts";
import { auditLog } from "../../db/schema/http.ts";
import type { Deps } from "../../deps.ts";
import { sealAuditLog, verifyAuditLog } from "./audit-chain.ts";

export type AuditEntry = {
  actorId: string | undefined;
  /** Dotted verb naming what happened, such as `spirit.archived` or `account.role_changed`. */
  action: string;
  /** The id of what it happened to. */
  subject: string;
  detail?: Record<string, unknown>;
};

/** The audit log of changes that matter (catalog, accounts, stock corrections): append-only, hash-chained. */
export function createAuditService(deps: Deps) {
  const rowOf = (e: AuditEntry) => ({
    id: newId("aud"),
    actorId: e.actorId ?? null,
    action: e.action,
    subject: e.subject,
    detail: e.detail ?? null,
    at: deps.clock.now().toISOString(),
  });
  return {
    /** The insert, for callers that put it in the same atomic batch as the change itself. */
    entry: (e: AuditEntry) => deps.db.insert(auditLog).values(rowOf(e)),
    async record(e: AuditEntry) {
      await deps.db.insert(auditLog).values(rowOf(e));
    },
    seal: () => sealAuditLog(deps.client),
    verify: () => verifyAuditLog(deps.client),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
