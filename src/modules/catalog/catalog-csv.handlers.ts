import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { CSV_CONTENT_TYPE, csvStream } from "../../http/csv.ts";
import { SPIRIT_CSV_COLUMNS } from "./catalog-bulk.ts";
import type { ExportSpiritsRoute, ImportSpiritsRoute } from "./catalog-csv.routes.ts";

export const exportSpirits: RouteHandler<ExportSpiritsRoute, AppEnv> = (c) =>
  c.body(csvStream(SPIRIT_CSV_COLUMNS, c.get("services").catalog.exportCsvPages()), 200, {
    "Content-Type": CSV_CONTENT_TYPE,
    "Content-Disposition": 'attachment; filename="spirits.csv"',
  });

export const importSpirits: RouteHandler<ImportSpiritsRoute, AppEnv> = async (c) => {
  const report = await c.get("services").catalog.importCsv(await c.req.text(), {
    dryRun: c.req.valid("query").dryRun ?? false,
    actorId: c.get("principal")?.id,
  });
  return c.json(report, 200);
};
