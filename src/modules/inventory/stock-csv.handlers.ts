import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { CSV_CONTENT_TYPE, csvStream } from "../../http/csv.ts";
import type { ExportStockRoute, ImportStockRoute } from "./stock-csv.routes.ts";
import { STOCK_CSV_COLUMNS } from "./stock-csv.ts";

export const exportStock: RouteHandler<ExportStockRoute, AppEnv> = (c) =>
  c.body(csvStream(STOCK_CSV_COLUMNS, c.get("services").inventory.exportCsvPages()), 200, {
    "Content-Type": CSV_CONTENT_TYPE,
    "Content-Disposition": 'attachment; filename="stock.csv"',
  });

export const importStock: RouteHandler<ImportStockRoute, AppEnv> = async (c) => {
  const report = await c.get("services").inventory.importCsv(await c.req.text(), {
    dryRun: c.req.valid("query").dryRun ?? false,
    actorId: c.get("principal")?.id ?? null,
  });
  return c.json(report, 200);
};
