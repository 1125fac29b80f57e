/**
 * Stock counts as CSV: one row per level (spirit × location × batch). The export adds the spirit's name and
 * what is reserved and available, for people; the import reads `onHand` as the figure a count found and
 * ignores those read-only columns, so an export imports as it is. Every row is checked before anything
 * changes; the counts then go to the stock engine as one all-or-nothing stock-take (src/stock/bulk-count.ts).
 */
import type { Client } from "@libsql/client";
import { DomainError } from "../../domain-error.ts";
import { type CsvIssue, csvProblem, parseCsv } from "../../http/csv.ts";
import { type CountLine, countIsNoop, levelKey, planCount, readLevels } from "../../stock/bulk-count.ts";
import type { StockCoordinator } from "../../stock/coordinator.ts";
import { num, str, strOrNull } from "../../stock/ledger.ts";

export const STOCK_CSV_COLUMNS = [
  "spiritId",
  "spiritName",
  "locationId",
  "batchId",
  "onHand",
  "reserved",
  "available",
] as const;
const REQUIRED = ["spiritId", "locationId", "onHand"];
const PAGE = 1000;
const MAX_COUNT = 1_000_000;

/**
 * Every level of the spirits' standard units, by spirit, location and batch, PAGE rows at a time (keyset on
 * the level's unique key). Variants' stock is not in the sheet: the import could not name it.
 */
export async function* stockCsvPages(client: Client): AsyncGenerator<string[][]> {
  let after: [string, string, string] | undefined;
  for (;;) {
    const rs = await client.execute({
      sql: `SELECT l.spirit_id, s.name, l.location_id, l.batch_id, l.batch_key, l.on_hand, l.reserved
            FROM inventory_levels l JOIN spirits s ON s.id = l.spirit_id
            WHERE l.variant_key = '' ${after ? "AND (l.spirit_id, l.location_id, l.batch_key) > (?, ?, ?)" : ""}
            ORDER BY l.spirit_id, l.location_id, l.batch_key LIMIT ${PAGE}`,
      args: after ?? [],
    });
    if (!rs.rows.length) return;
    yield rs.rows.map((r) => [
      str(r.spirit_id),
      str(r.name),
      str(r.location_id),
      strOrNull(r.batch_id) ?? "",
      String(num(r.on_hand)),
      String(num(r.reserved)),
      String(num(r.on_hand) - num(r.reserved)),
    ]);
    if (rs.rows.length < PAGE) return;
    const last = rs.rows.at(-1)!;
    after = [str(last.spirit_id), str(last.location_id), str(last.batch_key)];
  }
}

export type StockImportRow = {
  line: number;
  spiritId: string;
  locationId: string;
  batchId: string | null;
  onHandBefore: number;
  onHandAfter: number;
  action: "created" | "updated" | "unchanged";
};
export type StockImportReport = {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rows: StockImportRow[];
};

async function existing(client: Client, sql: (marks: string) => string, ids: string[]) {
  const rows: Record<string, unknown>[] = [];
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    rows.push(...(await client.execute({ sql: sql(chunk.map(() => "?").join(", ")), args: chunk })).rows);
  }
  return rows;
}

export type StockImportDeps = {
  client: Client;
  stock: StockCoordinator;
  locationExists: (id: string) => Promise<boolean>;
};

export async function importStockCsv(
  deps: StockImportDeps,
  text: string,
  options: { dryRun: boolean; actorId: string | null },
): Promise<StockImportReport> {
  const parsed = parseCsv(text, { known: STOCK_CSV_COLUMNS, required: REQUIRED });
  if (parsed.issues.some((i) => i.line === 1)) throw csvProblem(parsed.issues);
  const issues: CsvIssue[] = [...parsed.issues];
  const cell = (cells: Record<string, string>, name: string) => (cells[name] ?? "").trim();

  const spiritIds = new Set(
    (
      await existing(
        deps.client,
        (m) => `SELECT id FROM spirits WHERE id IN (${m})`,
        parsed.records.map((r) => cell(r.cells, "spiritId")),
      )
    ).map((r) => str(r.id)),
  );
  const batchSpirit = new Map(
    (
      await existing(
        deps.client,
        (m) => `SELECT id, spirit_id FROM batches WHERE id IN (${m})`,
        parsed.records.map((r) => cell(r.cells, "batchId")).filter(Boolean),
      )
    ).map((r) => [str(r.id), str(r.spirit_id)]),
  );
  const locations = new Map<string, boolean>();
  const lines: { line: number; count: CountLine }[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of parsed.records) {
    const spiritId = cell(cells, "spiritId");
    const locationId = cell(cells, "locationId");
    const batchId = cell(cells, "batchId") || null;
    const onHand = cell(cells, "onHand");
    const before = issues.length;
    const bad = (column: string, message: string) => issues.push({ line, column, message });
    if (!spiritId) bad("spiritId", "is required");
    else if (!spiritIds.has(spiritId)) bad("spiritId", `no spirit ${spiritId}`);
    if (!locationId) bad("locationId", "is required");
    else {
      if (!locations.has(locationId)) locations.set(locationId, await deps.locationExists(locationId));
      if (!locations.get(locationId)) bad("locationId", `no location ${locationId}`);
    }
    if (batchId && batchSpirit.get(batchId) !== spiritId)
      bad("batchId", `no batch ${batchId} of this spirit`);
    if (!/^\d+$/.test(onHand) || Number(onHand) > MAX_COUNT) {
      bad("onHand", `must be a whole number of bottles, 0 to ${MAX_COUNT}`);
    }
    if (issues.length > before) continue;
    const count: CountLine = { spiritId, locationId, batchId, counted: Number(onHand) };
    const key = levelKey(count);
    if (seen.has(key)) {
      issues.push({ line, column: null, message: `counts the same level as line ${seen.get(key)}` });
      continue;
    }
    seen.set(key, line);
    lines.push({ line, count });
  }

  const levels = await readLevels(deps.client, [...spiritIds]);
  const planned = [];
  for (const { line, count } of lines) {
    const plan = planCount(levels, count);
    if ("ok" in plan) issues.push({ line, column: "onHand", message: plan.detail });
    else planned.push({ line, plan });
  }
  if (issues.length) throw csvProblem(issues.sort((a, b) => a.line - b.line));

  const rows = planned.map(
    ({ line, plan }): StockImportRow => ({
      line,
      spiritId: plan.spiritId,
      locationId: plan.locationId,
      batchId: plan.batchId,
      onHandBefore: plan.onHand,
      onHandAfter: plan.counted,
      action: countIsNoop(plan) ? "unchanged" : plan.exists ? "updated" : "created",
    }),
  );
  const n = (a: StockImportRow["action"]) => rows.filter((r) => r.action === a).length;
  const report = {
    dryRun: options.dryRun,
    created: n("created"),
    updated: n("updated"),
    unchanged: n("unchanged"),
    rows,
  };
  if (options.dryRun || report.created + report.updated === 0) return report;

  const outcome = await deps.stock.countStock({
    counts: planned.map((p) => p.plan),
    actorId: options.actorId,
    reason: "stock count imported from CSV",
  });
  if (!outcome.ok) {
    throw new DomainError("stock-conflict", outcome.detail, outcome.extra ? { extra: outcome.extra } : {});
  }
  return report;
}
