/** OpenAPI pieces shared by the CSV export and import routes (catalog, stock). */
import { z } from "@hono/zod-openapi";
import { ProblemSchema } from "./problem.ts";

export const DryRunQuerySchema = z.object({
  dryRun: z
    .enum(["true", "false", "1", "0"], { error: "must be true or false" })
    .transform((v) => v === "true" || v === "1")
    .optional()
    .openapi({ type: "boolean", description: "Only report what the import would change; change nothing." }),
});

export const CsvRowErrorSchema = z
  .object({
    path: z.string().openapi({ example: "line 3, abv" }),
    message: z.string().openapi({ example: "must be a number" }),
    line: z.number().int().openapi({ description: "Line of the file (1 is the header).", example: 3 }),
    column: z
      .string()
      .nullable()
      .openapi({ description: "The column (null: the whole row).", example: "abv" }),
  })
  .openapi("CsvRowError");

export const CsvProblemSchema = ProblemSchema.extend({ errors: z.array(CsvRowErrorSchema) }).openapi(
  "CsvProblem",
  { description: "Every problem of the file, by line and column; nothing was imported." },
);

/** The request of an import route: a `text/csv` body. */
export const csvImportBody = (description: string) => ({
  body: {
    content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } },
    required: true,
    description,
  },
});

export const csvFileResponse = (description: string) => ({
  description,
  content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } },
  headers: z.object({
    "Content-Disposition": z.string().openapi({ example: 'attachment; filename="spirits.csv"' }),
  }),
});

export const csvRowProblem = {
  422: {
    description: "The file has problems (or is not CSV); `errors` lists each with its line and column.",
    content: { "application/problem+json": { schema: CsvProblemSchema } },
  },
  413: {
    description: "The file is larger than 8 MiB.",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
  415: {
    description: "The body is not text/csv.",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
};
