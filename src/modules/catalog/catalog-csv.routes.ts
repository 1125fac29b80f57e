import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { csvBody } from "../../http/csv.ts";
import { csvFileResponse, csvImportBody, csvRowProblem, DryRunQuerySchema } from "../../http/csv-routes.ts";
import { AUTH_ERRORS, jsonContent, problemResponses } from "../../http/openapi.ts";

const tags = ["Catalog"];
const staffOnly = [requireRole("staff", "admin")];

export const SpiritImportReportSchema = z
  .object({
    dryRun: z.boolean().openapi({ description: "True: nothing was changed, this is what would be." }),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rows: z.array(
      z.object({
        line: z.number().int(),
        id: z.string(),
        name: z.string(),
        action: z.enum(["created", "updated", "unchanged"]),
      }),
    ),
  })
  .openapi("SpiritImportReport", {
    example: {
      dryRun: true,
      created: 1,
      updated: 0,
      unchanged: 1,
      rows: [
        { line: 2, id: "spr_01hx4k7m2qa9c3r5t7v9wxyz", name: "Port Ardnahoe 12", action: "unchanged" },
        { line: 3, id: "spr_01hx4k7m2qa9c3r5t7v9wxz0", name: "Port Ardnahoe 18", action: "created" },
      ],
    },
  });

export const exportSpirits = createRoute({
  method: "get",
  path: "/spirits/export.csv",
  operationId: "exportSpiritsCsv",
  tags,
  summary: "The whole catalog as CSV (staff)",
  description:
    "One row per spirit (archived ones too), by id, streamed. Cells that a spreadsheet would run as a " +
    "formula (starting with = + - @) are prefixed with `'`; the import takes that prefix off again.",
  ...access("staff"),
  middleware: staffOnly,
  responses: {
    200: csvFileResponse("The catalog, with a header row."),
    ...problemResponses(...AUTH_ERRORS),
  },
});

export const importSpirits = createRoute({
  method: "post",
  path: "/spirits/import",
  operationId: "importSpiritsCsv",
  tags,
  summary: "Create and update spirits from CSV, all or nothing (staff)",
  description:
    "Columns as the export has them; only those present are written. A row whose `id` names a spirit " +
    "updates it, a row without an id (or with a new one) creates one, a row that changes nothing is left " +
    "alone. Every row is checked first: one bad row and nothing is imported (422 listing every problem " +
    "with its line and column). With `dryRun=true` the answer says what would change and nothing does.",
  ...access("staff"),
  middleware: [...staffOnly, csvBody],
  request: { query: DryRunQuerySchema, ...csvImportBody("The spirits, with a header row (UTF-8).") },
  responses: {
    200: jsonContent(SpiritImportReportSchema, "What was (or, in a dry run, would be) changed."),
    ...problemResponses(...AUTH_ERRORS, 400, 409),
    ...csvRowProblem,
  },
});

export type ExportSpiritsRoute = typeof exportSpirits;
export type ImportSpiritsRoute = typeof importSpirits;
