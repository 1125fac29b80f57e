/**
 * The catalog as CSV: an export streamed page by page, and an import that is all or nothing. A row with an
 * `id` of a spirit that exists updates it (columns the file leaves out keep their values), a row without
 * one (or with an id not yet used) creates one; a row that would change nothing is left alone, so
 * importing an export changes nothing. Every row is checked before anything is written, and all the
 * writes (with their audit entries) are one atomic batch.
 */
import { asc, gt, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { isConstraintError } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { type SpiritRow, spirits } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { canonicalJson } from "../../digest.ts";
import { DomainError } from "../../domain-error.ts";
import { type CsvIssue, csvProblem, parseCsv } from "../../http/csv.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { SpiritInputSchema } from "./catalog.schemas.ts";
import { columnOfPath, mergeCells, SPIRIT_CSV_HEADER, spiritToCells } from "./spirit-csv.ts";
import { spiritCreatedEvent, spiritUpdateEvents } from "./spirit-events.ts";
import { sameColumns, toSpirit, toSpiritColumns, toSpiritInput } from "./spirit-mapping.ts";

const PAGE = 500;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export type ImportAction = "created" | "updated" | "unchanged";
export type SpiritImportRow = { line: number; id: string; name: string; action: ImportAction };
export type SpiritImportReport = {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rows: SpiritImportRow[];
};

/** Every spirit (archived too) as CSV rows, by id, PAGE at a time. */
export async function* spiritCsvPages(deps: Deps): AsyncGenerator<string[][]> {
  let after: string | undefined;
  for (;;) {
    const rows = await deps.db
      .select()
      .from(spirits)
      .where(after === undefined ? undefined : gt(spirits.id, after))
      .orderBy(asc(spirits.id))
      .limit(PAGE);
    if (!rows.length) return;
    yield rows.map((r) => spiritToCells(toSpirit(r)));
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.id;
  }
}

export const SPIRIT_CSV_COLUMNS = SPIRIT_CSV_HEADER;

async function existingRows(deps: Deps, ids: string[]): Promise<Map<string, SpiritRow>> {
  const found = new Map<string, SpiritRow>();
  for (let i = 0; i < ids.length; i += PAGE) {
    const rows = await deps.db
      .select()
      .from(spirits)
      .where(inArray(spirits.id, ids.slice(i, i + PAGE)));
    for (const r of rows) found.set(r.id, r);
  }
  return found;
}

type Planned =
  | { action: "created"; row: SpiritRow }
  | { action: "updated"; id: string; columns: ReturnType<typeof toSpiritColumns>; before: SpiritRow }
  | { action: "unchanged"; id: string; name: string };

export async function importSpiritsCsv(
  deps: Deps,
  audit: AuditService,
  text: string,
  options: { dryRun: boolean; actorId: string | undefined; forget: (id: string) => void },
): Promise<SpiritImportReport> {
  const parsed = parseCsv(text, { known: SPIRIT_CSV_HEADER, required: [] });
  // Problems of the header stop here; those of single rows are reported with every other row's.
  if (parsed.issues.some((i) => i.line === 1)) throw csvProblem(parsed.issues);
  const issues: CsvIssue[] = [...parsed.issues];
  const firstLine = new Map<string, number>();
  for (const r of parsed.records) {
    const id = r.cells.id?.trim() ?? "";
    if (!id) continue;
    if (!ID.test(id))
      issues.push({ line: r.line, column: "id", message: "must be 1-64 letters, digits, _ or -" });
    else if (firstLine.has(id))
      issues.push({
        line: r.line,
        column: "id",
        message: `appears again (first on line ${firstLine.get(id)})`,
      });
    else firstLine.set(id, r.line);
  }
  const existing = await existingRows(deps, [...firstLine.keys()]);
  const now = deps.clock.now();
  const plans: (Planned & { line: number })[] = [];
  for (const { line, cells } of parsed.records) {
    const { id: rawId = "", ...rest } = cells;
    const id = rawId.trim();
    const current = id ? existing.get(id) : undefined;
    const base = current ? toSpiritInput(toSpirit(current)) : {};
    const merged = mergeCells(base, rest);
    // A row that says what is stored is unchanged, even where the stored spirit predates a rule (seeded
    // data, a rule added later): importing an export must never fail on rows it does not change.
    if (current && !merged.errors.length && canonicalJson(merged.input) === canonicalJson(base)) {
      plans.push({ line, action: "unchanged", id: current.id, name: current.name });
      continue;
    }
    for (const e of merged.errors) issues.push({ line, ...e });
    const result = SpiritInputSchema.safeParse(merged.input);
    if (!result.success) {
      const unread = new Set(merged.errors.map((e) => e.column));
      for (const i of result.error.issues) {
        const column = columnOfPath(i.path.map(String).join("."));
        if (!unread.has(column)) issues.push({ line, column, message: i.message });
      }
    }
    if (merged.errors.length || !result.success) continue;
    const columns = toSpiritColumns(result.data);
    if (current && sameColumns(current, columns)) {
      plans.push({ line, action: "unchanged", id: current.id, name: current.name });
    } else if (current) plans.push({ line, action: "updated", id: current.id, columns, before: current });
    else {
      const at = now.toISOString();
      const row: SpiritRow = {
        id: id || newId("spr", now.getTime()),
        ...columns,
        ratingAverage: null,
        ratingCount: 0,
        createdAt: at,
        updatedAt: at,
      };
      plans.push({ line, action: "created", row });
    }
  }
  if (issues.length) throw csvProblem(issues.sort((a, b) => a.line - b.line));

  const rows = plans.map(
    (p): SpiritImportRow => ({
      line: p.line,
      action: p.action,
      id: p.action === "created" ? p.row.id : p.id,
      name: p.action === "created" ? p.row.name : p.action === "updated" ? p.columns.name : p.name,
    }),
  );
  const count = (a: ImportAction) => rows.filter((r) => r.action === a).length;
  const report = {
    dryRun: options.dryRun,
    created: count("created"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    rows,
  };
  if (options.dryRun || report.created + report.updated === 0) return report;

  const at = now.toISOString();
  const actorId = options.actorId;
  type Statement = BatchItem<"sqlite">;
  const writes = plans.flatMap((p): Statement[] => {
    if (p.action === "unchanged") return [];
    if (p.action === "created") {
      return [
        deps.db.insert(spirits).values(p.row),
        audit.entry({
          actorId,
          action: "spirit.created",
          subject: p.row.id,
          detail: { name: p.row.name, via: "csv import" },
        }),
        spiritCreatedEvent(deps.db, p.row, at),
      ];
    }
    return [
      deps.db
        .update(spirits)
        .set({ ...p.columns, updatedAt: at })
        .where(inArray(spirits.id, [p.id])),
      audit.entry({
        actorId,
        action: "spirit.replaced",
        subject: p.id,
        detail: { name: p.columns.name, via: "csv import" },
      }),
      ...spiritUpdateEvents(deps.db, p.before, p.columns, at),
    ];
  });
  const [first, ...others] = writes;
  try {
    await deps.db.batch([first!, ...others] as [Statement, ...Statement[]]);
  } catch (err) {
    // A spirit with one of the file's new ids was made meanwhile: the batch wrote nothing.
    if (isConstraintError(err, "PRIMARYKEY")) {
      throw new DomainError(
        "conflict",
        "A spirit with one of the file's ids was created meanwhile; nothing was imported, try again.",
      );
    }
    throw err;
  }
  for (const p of plans) if (p.action === "updated") options.forget(p.id);
  return report;
}
