import { z } from "@hono/zod-openapi";
import { must, strictFields } from "../../http/schema-messages.ts";
import { EXPORT_FORMAT } from "./export.ts";
import { HOLDINGS } from "./personal-data.ts";

const Row = z.record(z.string(), z.unknown());
const Held = z.object({ table: z.string(), why: z.string() }).openapi("HeldData");

/** One member per exported table of the data map (personal-data.ts), so the document never drifts from it. */
const sections = Object.fromEntries(
  HOLDINGS.filter((h) => h.section).map((h) => [
    h.section!,
    (h.one ? Row.nullable() : z.array(Row)).openapi({ description: h.why }),
  ]),
);

export const CustomerExportSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    customerId: z.string().openapi({ example: "cus_01hx4k7m2qa9c3r5t7v9wxyz" }),
    exportedAt: z.string().openapi({ example: "2026-06-01T12:00:00.000Z" }),
    ...sections,
    notExported: z.array(Held).openapi({
      description: "What else mentions the customer, and why it is not in this document.",
    }),
  })
  .openapi("CustomerExport", {
    description:
      "Everything the shop holds about the customer, as stored (camelCase), but for secrets (password and token hashes). Rows are as the database has them: times ISO-8601 UTC, money in minor units.",
  });

export const EraseInputSchema = z
  .strictObject(
    {
      password: z
        .string(must("the account's password"))
        .min(1, "must not be empty")
        .max(256, "must be at most 256 characters")
        .optional()
        .openapi({ description: "The customer's own password, when they erase their own account." }),
      confirm: z
        .string(must("the customer's id"))
        .max(100, "is not a customer id")
        .optional()
        .openapi({ description: "An admin erasing someone: the customer's id again, to confirm." }),
    },
    strictFields("an object with password or confirm"),
  )
  .openapi("ErasureRequest", {
    description:
      "Erasure cannot be undone: the customer confirms with their password, an admin by naming the id.",
    example: { password: "correct horse battery staple" },
  });

export type EraseInput = z.output<typeof EraseInputSchema>;

export const ErasureReceiptSchema = z
  .object({
    customerId: z.string().openapi({ example: "cus_01hx4k7m2qa9c3r5t7v9wxyz" }),
    erasedAt: z.string().openapi({ example: "2026-06-01T12:00:00.000Z" }),
    by: z.enum(["self", "admin"]),
    rows: z.record(z.string(), z.number().int()).openapi({
      description: "Rows deleted or anonymised, per table.",
      example: { accounts: 1, customers: 1, orders: 2, wishlist_items: 5, interactions: 140 },
    }),
    kept: z.array(Held).openapi({ description: "What stays, and why (the law, or no personal data)." }),
  })
  .openapi("ErasureReceipt");
