import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { csvBody } from "../../http/csv.ts";
import { csvFileResponse, csvImportBody, csvRowProblem, DryRunQuerySchema } from "../../http/csv-routes.ts";
import { IdempotencyKeyHeader, IdempotentReplayedHeader, idempotent } from "../../http/idempotency.ts";
import { AUTH_ERRORS, jsonContent, problemResponses } from "../../http/openapi.ts";

const tags = ["Inventory"];
const staffOnly = [requireRole("staff", "admin")];

export const StockImportReportSchema = z
  .object({
    dryRun: z.boolean().openapi({ description: "True: nothing was changed, this is what would be." }),
    created: z.number().int().openapi({ description: "Levels that did not exist yet." }),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rows: z.array(
      z.object({
        line: z.number().int(),
        spiritId: z.string(),
        locationId: z.string(),
        batchId: z.string().nullable(),
        onHandBefore: z.number().int(),
        onHandAfter: z.number().int(),
        action: z.enum(["created", "updated", "unchanged"]),
      }),
    ),
  })
  .openapi("StockImportReport", {
    example: {
      dryRun: true,
      created: 0,
      updated: 1,
      unchanged: 0,
      rows: [
        {
          line: 2,
          spiritId: "spr_01hx4k7m2qa9c3r5t7v9wxyz",
          locationId: "loc_edinburgh",
          batchId: null,
          onHandBefore: 60,
          onHandAfter: 58,
          action: "updated",
        },
      ],
    },
  });

export const exportStock = createRoute({
  method: "get",
  path: "/inventory/export.csv",
  operationId: "exportStockCsv",
  tags,
  summary: "Every stock level as CSV (staff)",
  description:
    "One row per spirit × location × batch, streamed: `onHand` with `reserved` and `available` beside it " +
    "(read-only; the import ignores them).",
  ...access("staff"),
  middleware: staffOnly,
  responses: {
    200: csvFileResponse("The stock levels, with a header row."),
    ...problemResponses(...AUTH_ERRORS),
  },
});

export const importStock = createRoute({
  method: "post",
  path: "/inventory/import",
  operationId: "importStockCsv",
  tags,
  summary: "A stock-take from CSV: set counted on-hand figures, all or nothing (staff)",
  description:
    "Each row (`spiritId`, `locationId`, optional `batchId`, `onHand`) is a count: on-hand becomes the " +
    "figure, written to the ledger as a `count` movement. Rows that change nothing write nothing. Every row " +
    "is checked first (a count below what is reserved is a problem of its row); then all counts commit as " +
    "one atomic batch through the stock engine, or, if the stock moved meanwhile, none (409 " +
    "`stock-conflict`). With `dryRun=true` the answer says what would change and nothing does.",
  ...access("staff"),
  middleware: [...staffOnly, csvBody, idempotent("inventory.import")],
  request: {
    query: DryRunQuerySchema,
    headers: IdempotencyKeyHeader,
    ...csvImportBody("The counts, with a header row (UTF-8)."),
  },
  responses: {
    200: {
      ...jsonContent(StockImportReportSchema, "What was (or, in a dry run, would be) changed."),
      headers: IdempotentReplayedHeader,
    },
    ...problemResponses(...AUTH_ERRORS, 400, 409),
    ...csvRowProblem,
  },
});

export type ExportStockRoute = typeof exportStock;
export type ImportStockRoute = typeof importStock;
