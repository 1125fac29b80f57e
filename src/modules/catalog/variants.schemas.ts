import { z } from "@hono/zod-openapi";
import { VARIANT_PACKAGINGS, VARIANT_STATUSES } from "../../db/schema/catalog.ts";
import { StockStatusSchema } from "../../stock/availability.ts";
import { PriceSchema, SpiritIdParamsSchema, SpiritSchema } from "./catalog.schemas.ts";

const nowExample = "2026-06-01T12:00:00.000Z";
const must = (what: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? "is required" : `must be ${what}`),
});
const oneOf = (values: readonly string[]) => must(`one of ${values.join(", ")}`);

const name = z
  .string(must("text"))
  .trim()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .openapi({ example: "5 cl sample" });
const sizeMl = z
  .number(must("a whole number of millilitres"))
  .int("must be a whole number of millilitres")
  .min(10, "must be 10 to 6000")
  .max(6000, "must be 10 to 6000")
  .openapi({ example: 50 });
const packaging = z.enum(VARIANT_PACKAGINGS, oneOf(VARIANT_PACKAGINGS)).openapi({
  description: "`bottle`: a full bottle of another size. `sample`: a small sample. `gift_box`: boxed.",
  example: "sample",
});
const sku = z
  .string(must("text"))
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be letters, digits, dots, dashes or underscores")
  .openapi({ description: "The shop's stock-keeping unit; unique over all variants.", example: "LAG16-5CL" });
const status = z.enum(VARIANT_STATUSES, oneOf(VARIANT_STATUSES)).openapi({
  description: "`retired` variants are neither sold nor received; orders and stock that name them stand.",
});

export const VariantInputSchema = z
  .strictObject({
    name,
    sizeMl,
    packaging,
    price: PriceSchema.openapi({ description: "In the spirit's own currency." }),
    sku: sku.nullish(),
    status: status.optional().openapi({ description: "Defaults to `active`." }),
  })
  .openapi("SpiritVariantInput", {
    description:
      "A sellable unit of the spirit other than its standard one (its own `bottleSizeMl` and `price`), with its own price and stock.",
    example: {
      name: "5 cl sample",
      sizeMl: 50,
      packaging: "sample",
      price: { amountMinor: 900, currency: "GBP" },
    },
  });
export type VariantInput = z.infer<typeof VariantInputSchema>;

export const VariantPatchSchema = z
  .strictObject({
    name: name.optional(),
    sizeMl: sizeMl.optional(),
    packaging: packaging.optional(),
    price: PriceSchema.optional(),
    sku: sku.nullish().openapi({ description: "null clears it." }),
    status: status.optional(),
  })
  .openapi("SpiritVariantPatch", {
    description: "The fields to change (a JSON merge patch); `status: retired` stops selling the variant.",
    example: { status: "retired" },
  });
export type VariantPatch = z.infer<typeof VariantPatchSchema>;

export const SpiritVariantSchema = z
  .object({
    id: z.string().openapi({ example: "var_01hx4k9p3rb2d4s6u8w0yzab" }),
    spiritId: z.string().openapi({ example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    name: z.string().openapi({ example: "5 cl sample" }),
    sizeMl: z.number().int().openapi({ example: 50 }),
    packaging: z.enum(VARIANT_PACKAGINGS),
    price: PriceSchema,
    sku: z.string().nullable().openapi({ example: "LAG16-5CL" }),
    status: z.enum(VARIANT_STATUSES),
    available: z
      .number()
      .int()
      .openapi({ example: 24, description: "Units of this variant on hand and not held, everywhere." }),
    stockStatus: StockStatusSchema,
    createdAt: z.string().openapi({ example: nowExample }),
    updatedAt: z.string().openapi({ example: nowExample }),
  })
  .openapi("SpiritVariant", {
    description:
      "A sellable unit of a spirit (a sample, a gift box) with its own price and stock. Order it with `variantId` on an order item; receive its stock with `variantId` on a stock change.",
  });
export type SpiritVariant = z.infer<typeof SpiritVariantSchema>;

export const SpiritVariantListSchema = z
  .object({ items: z.array(SpiritVariantSchema), nextCursor: z.string().nullable() })
  .openapi("SpiritVariantList");

export const VariantIdParamsSchema = SpiritIdParamsSchema.extend({
  variantId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "variantId", in: "path" }, example: "var_01hx4k9p3rb2d4s6u8w0yzab" }),
});

/** The public read of one spirit: the spirit, and its active variants when it has any. */
export const SpiritViewSchema = SpiritSchema.extend({
  variants: z.array(SpiritVariantSchema).optional().openapi({
    description:
      "The spirit's active variants (samples, gift boxes, other sizes) with price and stock; present only when it has any. Without a variant, an order is for the spirit's standard unit (`bottleSizeMl` at `price`).",
  }),
}).openapi("SpiritView");
