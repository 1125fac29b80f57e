/**
 * CSV for bulk import and export (csv-parse / csv-stringify through their browser ESM builds: the plain
 * entry points use Node's Buffer, which a Worker without `nodejs_compat` lacks; these carry their own).
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula, so an
 * exported cell that starts so is prefixed with `'`, and an imported cell that starts with `'` before one
 * of them loses that one `'`. Cells that already start with `'` before one get a second, so every value
 * comes back exactly as it left (export, then import, changes nothing).
 */
import { parse } from "csv-parse/browser/esm/sync";
import { stringify } from "csv-stringify/browser/esm/sync";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { DomainError } from "../domain-error.ts";
import { ProblemError } from "./problem.ts";

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";
/** An import is all or nothing, so it is read whole: this bounds what one request may ask of memory. */
export const MAX_CSV_BYTES = 8 * 1024 * 1024;
/** Longest record (in characters): a spirit's description is at most 10,000, JSON cells add some more. */
export const MAX_CSV_RECORD = 64 * 1024;
export const MAX_CSV_ROWS = 50_000;

const FORMULA = /^'*[=+\-@\t\r]/;

export const escapeCell = (value: string): string => (FORMULA.test(value) ? `'${value}` : value);
export const unescapeCell = (cell: string): string =>
  cell.startsWith("'") && FORMULA.test(cell) ? cell.slice(1) : cell;

/** One line of CSV text from cells (escaped against formulas). */
export const csvLine = (cells: readonly string[]): string =>
  stringify([cells.map(escapeCell)], { record_delimiter: "unix" });

/** A problem in the file: which line (1 is the header), which column (null: the whole row), why. */
export type CsvIssue = { line: number; column: string | null; message: string };

export type CsvRecord = { line: number; cells: Record<string, string> };

export type ParsedCsv = { header: string[]; records: CsvRecord[]; issues: CsvIssue[] };

export type CsvShape = {
  /** Every column the file may have. */
  known: readonly string[];
  /** Columns it must have. */
  required: readonly string[];
};

const newlines = (s: string) => s.split("\n").length - 1;

/**
 * Parses a whole file with a header row. Reports, rather than throws: unknown, missing or repeated
 * columns, rows with more or fewer cells than the header, a record over MAX_CSV_RECORD characters or a
 * quote never closed (then parsing stops there). A byte order mark is dropped; CRLF reads as LF.
 */
export function parseCsv(text: string, shape: CsvShape): ParsedCsv {
  const issues: CsvIssue[] = [];
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text.replace(/\r\n?/g, "\n"), {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_CSV_RECORD,
    }) as unknown as typeof rows;
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    const reason =
      e.code === "CSV_MAX_RECORD_SIZE"
        ? `the record is longer than ${MAX_CSV_RECORD} characters`
        : e.code === "CSV_QUOTE_NOT_CLOSED"
          ? "a quoted cell is never closed"
          : e.code === "CSV_INVALID_CLOSING_QUOTE" || e.code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE"
            ? 'a quote inside a cell must be doubled (""), and a quoted cell must end at its quote'
            : "the file is not valid CSV";
    return { header: [], records: [], issues: [{ line: e.lines ?? 1, column: null, message: reason }] };
  }
  const [first, ...body] = rows;
  if (!first)
    return { header: [], records: [], issues: [{ line: 1, column: null, message: "the file is empty" }] };
  const header = first.record.map((h) => h.trim());
  const seen = new Set<string>();
  for (const name of header) {
    if (!shape.known.includes(name)) {
      issues.push({ line: 1, column: name, message: `unknown column; known: ${shape.known.join(", ")}` });
    } else if (seen.has(name)) issues.push({ line: 1, column: name, message: "appears twice" });
    seen.add(name);
  }
  for (const name of shape.required) {
    if (!seen.has(name)) issues.push({ line: 1, column: name, message: "is a required column" });
  }
  if (body.length > MAX_CSV_ROWS) {
    issues.push({ line: 1, column: null, message: `more than ${MAX_CSV_ROWS} rows; split the file` });
  }
  if (issues.length) return { header, records: [], issues };
  const records: CsvRecord[] = [];
  for (const { record, info } of body) {
    const line = info.lines - record.reduce((n, c) => n + newlines(c), 0);
    if (record.length !== header.length) {
      issues.push({
        line,
        column: null,
        message: `has ${record.length} cells; the header has ${header.length}`,
      });
      continue;
    }
    const cells: Record<string, string> = {};
    header.forEach((name, i) => {
      cells[name] = unescapeCell(record[i]!);
    });
    records.push({ line, cells });
  }
  return { header, records, issues };
}

/** Issues as the `errors` of a problem: `path` reads "line 3, abv" for people, with line and column. */
export const csvErrors = (issues: CsvIssue[]) =>
  issues.map((i) => ({
    path: i.column === null ? `line ${i.line}` : `line ${i.line}, ${i.column}`,
    message: i.message,
    line: i.line,
    column: i.column,
  }));

/** The 422 for a file with problems (services throw it; nothing was imported). */
export function csvProblem(issues: CsvIssue[], detail?: string): DomainError {
  const rows = new Set(issues.map((i) => i.line)).size;
  return new DomainError(
    "validation",
    detail ??
      `The file has ${issues.length} problem${issues.length === 1 ? "" : "s"} on ${rows} line${rows === 1 ? "" : "s"}; nothing was imported.`,
    { errors: csvErrors(issues) },
  );
}

const tooLarge = () =>
  new ProblemError(413, `The CSV file is larger than ${MAX_CSV_BYTES} bytes (8 MiB); split it.`);
const csvBodyLimit = bodyLimit({
  maxSize: MAX_CSV_BYTES,
  onError: () => {
    throw tooLarge();
  },
});

/** For import routes: the body must be `text/csv` and at most MAX_CSV_BYTES (the app's 1 MiB rule steps aside). */
export const csvBody = createMiddleware<AppEnv>(async (c, next) => {
  const type = c.req.header("Content-Type");
  if (!type || !/^text\/csv\s*(;|$)/i.test(type)) {
    throw new ProblemError(
      415,
      `Send the file as text/csv${type ? `, not ${type.split(";")[0]!.trim()}` : " (the Content-Type header is missing)"}.`,
    );
  }
  await csvBodyLimit(c, next);
});

/** True for a request the app-wide JSON and 1 MiB rules leave to `csvBody` (a CSV sent to an import route). */
export const isCsvImport = (path: string, contentType: string | undefined) =>
  /\/import$/.test(path) && contentType !== undefined && /^text\/csv\s*(;|$)/i.test(contentType);

/**
 * A CSV answer streamed page by page: `pages` yields rows (already cells); only one page is in memory.
 */
export function csvStream(
  header: readonly string[],
  pages: AsyncIterable<string[][]>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(header)));
        return;
      }
      const next = await iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      if (next.value.length) {
        controller.enqueue(
          encoder.encode(
            stringify(
              next.value.map((r) => r.map(escapeCell)),
              { record_delimiter: "unix" },
            ),
          ),
        );
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
