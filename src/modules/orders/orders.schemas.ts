import { z } from "@hono/zod-openapi";
import { ORDER_STATUSES } from "../../db/schema/orders.ts";
import { pageQueryShape } from "../../http/pagination.ts";
import { csvList } from "../../http/query-lists.ts";
import { ShippingSchema } from "../../http/shipping-address.ts";

const at = "2026-06-01T12:00:00.000Z";

export const MoneySchema = z
  .object({
    amountMinor: z.number().int().openapi({ example: 37000 }),
    currency: z.string().length(3).openapi({ example: "GBP" }),
  })
  .openapi("Money", { description: "An amount in the currency's minor unit (pence, cents)." });

export const OrderItemInputSchema = z
  .strictObject({
    spiritId: z.string().min(1).max(64).openapi({ example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    quantity: z
      .number()
      .int("must be a whole number of bottles")
      .min(1, "must be at least 1")
      .max(100, "must be at most 100")
      .openapi({ example: 2 }),
    batchId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Only bottles of this batch.", example: "bat_01hx4k7m2qa9c3r5t7v9wxyz" }),
    variantId: z.string().min(1).max(64).optional().openapi({
      description:
        "A variant of the spirit (a 5 cl sample, a gift box; see `GET /spirits/{id}/variants`), priced and stocked on its own; left out, the spirit's standard unit. The spirit's per-customer limit counts units of the spirit across all its variants.",
      example: "var_01hx4k9p3rb2d4s6u8w0yzab",
    }),
  })
  .openapi("OrderItemInput");

export { ShippingSchema };

export const ShippingViewSchema = z
  .object({
    name: z.string().nullable(),
    lines: z.array(z.string()),
    city: z.string().nullable(),
    postalCode: z.string().nullable(),
    phone: z.string().nullable(),
    country: z.string(),
    region: z.string().nullable(),
  })
  .openapi("ShippingAddress", {
    description:
      "Where the order goes. Orders placed before full addresses were taken have only the country and region.",
  });

export const ShipInputSchema = z
  .strictObject({
    carrier: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(50, "must be at most 50 characters")
      .openapi({ example: "Royal Mail" }),
    trackingNumber: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{4,64}$/, "must be 4 to 64 letters, digits or hyphens")
      .openapi({ example: "RM123456785GB" }),
    lineIds: z
      .array(z.string().min(1).max(64))
      .min(1, "must name at least one line")
      .max(20, "must name at most 20 lines")
      .optional()
      .openapi({ description: "The lines in this parcel; without it, everything not yet shipped." }),
  })
  .openapi("ShipInput");

export const ShipmentSchema = z
  .object({
    id: z.string(),
    carrier: z.string(),
    trackingNumber: z.string(),
    lineIds: z.array(z.string()),
    shippedAt: z.string().openapi({ example: at }),
  })
  .openapi("Shipment");

export const ReturnInputSchema = z
  .strictObject({
    lineId: z.string().min(1).max(64).openapi({ example: "oln_01hx4k7m2qa9c3r5t7v9wxyz" }),
    quantity: z.number().int("must be a whole number of bottles").min(1, "must be at least 1").max(100),
    reason: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(200, "must be at most 200 characters")
      .openapi({ example: "Arrived with a broken seal" }),
    restock: z
      .boolean()
      .default(true)
      .openapi({ description: "Back on sale (true), or recorded only (a broken bottle)." }),
    locationId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Where it comes back to; default: where it shipped from." }),
    bottleNumbers: z
      .array(z.number().int().positive())
      .max(100)
      .optional()
      .openapi({ description: "Numbered bottles: which ones came back (as many as `quantity`)." }),
  })
  .openapi("ReturnInput");

export const OrderReturnSchema = z
  .object({
    id: z.string(),
    lineId: z.string(),
    quantity: z.number().int(),
    bottleNumbers: z.array(z.number().int()),
    restocked: z.boolean(),
    locationId: z.string().nullable(),
    reason: z.string(),
    returnedAt: z.string().openapi({ example: at }),
  })
  .openapi("OrderReturn");

/** The header an order for a queue release's spirit brings (src/modules/releases/queue-admissions.ts). */
export const AdmissionTokenHeader = z.object({
  // Lower case, as the header validator sees it (see IdempotencyKeyHeader).
  "admission-token": z.string().min(1).max(4096, "must be at most 4096 characters").optional().openapi({
    description:
      "Required while the spirit is sold through an open queue release: the `admissionToken` of the caller's admitted place (`GET /api/v1/releases/{id}/queue/me`). Missing: 403 `admission-required`; expired: 403 `admission-expired`; another customer's, used or forged: 403 `admission-invalid`. One admission places one order. Ignored for other spirits.",
    example: "eyJhbGciOiJIUzI1NiJ9.eyJyZWwiOiJyZWxfMDEifQ.c2lnbmF0dXJl",
  }),
});

export const CreateOrderSchema = z
  .strictObject({
    items: z
      .array(OrderItemInputSchema)
      .min(1, "must list at least one item")
      .max(20, "must list at most 20 items"),
    shipping: ShippingSchema,
  })
  .openapi("CreateOrder", {
    example: {
      items: [{ spiritId: "spr_01hx4k7m2qa9c3r5t7v9wxyz", quantity: 2 }],
      shipping: {
        name: "Isla Campbell",
        lines: ["12 Rose Street"],
        city: "Edinburgh",
        postalCode: "EH2 2PR",
        country: "GB",
        region: "GB-SCT",
      },
    },
  });

export const AllocationSchema = z
  .object({
    locationId: z.string(),
    batchId: z.string().nullable(),
    quantity: z.number().int(),
    status: z.enum(["active", "committed", "shipped", "released", "expired"]),
    bottleNumbers: z
      .array(z.number().int())
      .openapi({ description: "Numbered bottles of a limited batch, once the order is confirmed." }),
  })
  .openapi("Allocation", { description: "Where the bottles of a line are held." });

export const OrderLineSchema = z
  .object({
    id: z.string(),
    spiritId: z.string(),
    batchId: z.string().nullable().openapi({ description: "The batch asked for, if any." }),
    variantId: z
      .string()
      .nullable()
      .openapi({ description: "The variant ordered (its price is the line's); null for the standard unit." }),
    quantity: z.number().int(),
    unitPrice: MoneySchema,
    lineTotal: MoneySchema,
    allocations: z.array(AllocationSchema),
  })
  .openapi("OrderLine");

export const OrderStatusSchema = z.enum(ORDER_STATUSES).openapi("OrderStatus", {
  description:
    "`preordered` waits for the release; `reserved` holds stock until `expiresAt`; `confirmed` is paid; " +
    "then `shipped`. `cancelled` and `expired` are final.",
});

export const StatusChangeSchema = z
  .object({
    status: OrderStatusSchema,
    at: z.string().openapi({ example: at }),
    actorId: z.string().nullable().openapi({ description: "Who moved it; null for the system." }),
    note: z.string().nullable(),
  })
  .openapi("OrderStatusChange");

export const OrderSchema = z
  .object({
    id: z.string().openapi({ example: "ord_01hx4k7m2qa9c3r5t7v9wxyz" }),
    customerId: z.string(),
    status: OrderStatusSchema,
    preorder: z.boolean().openapi({ description: "Placed as a pre-order." }),
    total: MoneySchema,
    shipping: ShippingViewSchema,
    expiresAt: z.string().nullable().openapi({
      description: "While `reserved`: when the holds lapse unless the order is confirmed.",
      example: at,
    }),
    lines: z.array(OrderLineSchema),
    shipments: z.array(ShipmentSchema),
    returns: z.array(OrderReturnSchema),
    history: z.array(StatusChangeSchema),
    createdAt: z.string().openapi({ example: at }),
    updatedAt: z.string().openapi({ example: at }),
  })
  .openapi("Order");

export const OrderSummarySchema = OrderSchema.omit({
  lines: true,
  history: true,
  shipments: true,
  returns: true,
})
  .extend({
    itemCount: z.number().int().openapi({ description: "Bottles in the order." }),
    spiritIds: z.array(z.string()),
  })
  .openapi("OrderSummary");

export const OrderListSchema = z
  .object({ items: z.array(OrderSummarySchema), nextCursor: z.string().nullable() })
  .openapi("OrderList");

export const OrderIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "ord_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

export const OrderListQuerySchema = z.object({
  status: csvList(
    z.enum(ORDER_STATUSES, { error: `must be one of ${ORDER_STATUSES.join(", ")}` }),
    "Orders in any of these statuses.",
  ),
  spiritId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "Orders with a line of this spirit." }),
  customerId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "Staff only (customers see their own)." }),
  ...pageQueryShape(),
});

export const PreorderReleaseSchema = z
  .object({
    spiritId: z.string(),
    converted: z
      .number()
      .int()
      .openapi({ description: "Pre-orders that now hold stock, with a payment window." }),
    waiting: z.number().int().openapi({ description: "Pre-orders still waiting (not enough stock yet)." }),
  })
  .openapi("PreorderRelease");

export const SpiritIdParamsSchema = z.object({
  spiritId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "spiritId", in: "path" }, example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

export type CreateOrderInput = z.infer<typeof CreateOrderSchema>;
export type Order = z.infer<typeof OrderSchema>;
export type OrderSummary = z.infer<typeof OrderSummarySchema>;
export type OrderListQuery = z.infer<typeof OrderListQuerySchema>;
export type ShipInput = z.infer<typeof ShipInputSchema>;
export type ReturnInput = z.infer<typeof ReturnInputSchema>;
