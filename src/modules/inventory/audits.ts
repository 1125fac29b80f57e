/** Stock audits: every level checked against the ledger and the holds, the report kept. */
import { eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type InventoryAuditRow, inventoryAudits } from "../../db/schema/inventory.ts";
import { DomainError } from "../../domain-error.ts";
import { auditStock, type StockAuditReport } from "../../stock/audit.ts";
import type { InventoryContext } from "./inventory.context.ts";
import type { Audit } from "./inventory.schemas.ts";

const AUDITS: Sort<InventoryAuditRow> = {
  name: "audits",
  keys: [
    { column: inventoryAudits.startedAt, direction: "desc", value: (r) => r.startedAt },
    { column: inventoryAudits.id, direction: "desc", value: (r) => r.id },
  ],
};

function auditView(row: InventoryAuditRow): Audit {
  const report = row.report as unknown as StockAuditReport;
  return {
    id: row.id,
    trigger: row.trigger,
    actorId: row.actorId,
    clean: row.clean,
    levelsChecked: row.levelsChecked,
    movementsChecked: report.movementsChecked,
    activeHolds: report.activeHolds,
    lapsedHolds: report.lapsedHolds,
    discrepancies: report.discrepancies,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

/** Checks every level against the ledger and the holds, stores the report. Never fixes anything. */
export async function runAudit(
  { deps }: InventoryContext,
  trigger: "manual" | "scheduled",
  actorId: string | null,
): Promise<Audit> {
  const startedAt = deps.clock.now().toISOString();
  const report = await auditStock(deps.client, startedAt);
  const row: InventoryAuditRow = {
    id: newId("sau"),
    actorId,
    trigger,
    clean: report.discrepancies.length === 0,
    levelsChecked: report.levelsChecked,
    discrepancyCount: report.discrepancies.length,
    report: report as unknown as Record<string, unknown>,
    startedAt,
    finishedAt: deps.clock.now().toISOString(),
  };
  await deps.db.insert(inventoryAudits).values(row);
  if (!row.clean) {
    deps.logger.log("error", {
      msg: "stock audit found discrepancies",
      auditId: row.id,
      count: row.discrepancyCount,
    });
  }
  return auditView(row);
}

export async function getAudit({ deps }: InventoryContext, id: string): Promise<Audit> {
  const row = await deps.db.query.inventoryAudits.findFirst({ where: eq(inventoryAudits.id, id) });
  if (!row) throw new DomainError("not-found", `Audit ${id} was not found.`);
  return auditView(row);
}

export async function listAudits(
  { deps }: InventoryContext,
  q: { limit: number; cursor?: string | undefined },
) {
  const where = q.cursor ? afterCursor(AUDITS, decodeCursor(AUDITS, q.cursor)) : undefined;
  return page(
    AUDITS,
    q.limit,
    (n) =>
      deps.db
        .select()
        .from(inventoryAudits)
        .where(where)
        .orderBy(...orderByOf(AUDITS))
        .limit(n),
    auditView,
  );
}
