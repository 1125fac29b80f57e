import { z } from "@hono/zod-openapi";
import { MOVEMENT_KINDS } from "../../db/schema/inventory.ts";
import { pageQueryShape } from "../../http/pagination.ts";
import { StockStatusSchema } from "../../stock/availability.ts";

const at = "2026-06-01T12:00:00.000Z";
const id = (example: string) => z.string().min(1).max(64).openapi({ example });

export const SpiritIdParamsSchema = z.object({
  spiritId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "spiritId", in: "path" }, example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

export const AuditIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "sau_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

export const LocationStockSchema = z
  .object({
    locationId: z.string(),
    locationName: z.string().nullable(),
    available: z.number().int(),
  })
  .openapi("LocationStock");

export const LevelSchema = z
  .object({
    levelId: z.string(),
    locationId: z.string(),
    batchId: z.string().nullable(),
    variantId: z
      .string()
      .nullable()
      .openapi({ description: "The variant this stock is of; null for the spirit's standard unit." }),
    onHand: z.number().int(),
    reserved: z
      .number()
      .int()
      .openapi({ description: "Held by live orders (lapsed holds already left out)." }),
    available: z.number().int(),
    version: z
      .number()
      .int()
      .openapi({ description: "Send as `expectedVersion` to change this level only if unchanged." }),
  })
  .openapi("InventoryLevel");

export const InventorySchema = z
  .object({
    spiritId: z.string(),
    status: z.string().openapi({ description: "The spirit's catalog status." }),
    available: z.number().int().openapi({
      description:
        "Units on hand and not held, over every location and variant; each variant's own figure is in `GET /spirits/{id}/variants`.",
    }),
    stockStatus: StockStatusSchema,
    byLocation: z.array(LocationStockSchema),
    version: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Staff: the spirit's stock version (grows with every change)." }),
    levels: z.array(LevelSchema).optional().openapi({ description: "Staff: every batch × location level." }),
  })
  .openapi("Inventory", {
    example: {
      spiritId: "spr_01hx4k7m2qa9c3r5t7v9wxyz",
      status: "available",
      available: 42,
      stockStatus: "in_stock",
      byLocation: [
        { locationId: "loc_edinburgh", locationName: "Edinburgh warehouse", available: 30 },
        { locationId: "loc_london", locationName: "London shop", available: 12 },
      ],
    },
  });

const reason = z.string().trim().min(1).max(500);
const quantity = z
  .number()
  .int("must be a whole number of bottles")
  .min(1, "must be at least 1")
  .max(100_000);
const common = {
  batchId: id("bat_01hx4k7m2qa9c3r5t7v9wxyz").optional(),
  variantId: id("var_01hx4k9p3rb2d4s6u8w0yzab").optional().openapi({
    description:
      "The spirit's variant (a sample, a gift box) whose stock this is; left out, the spirit's standard unit. Each variant's stock is its own.",
  }),
  expectedVersion: z.number().int().min(0).optional().openapi({
    description: "Apply only if the level (the source, for a transfer) is still at this version.",
  }),
};

export const ReceiveSchema = z
  .strictObject({
    type: z.literal("receive"),
    locationId: id("loc_edinburgh"),
    quantity,
    serials: z
      .strictObject({ from: z.number().int().min(1), to: z.number().int().min(1) })
      .optional()
      .openapi({ description: "Numbered bottles of a limited batch (`from`..`to`, as many as `quantity`)." }),
    reason: reason.optional(),
    ...common,
  })
  .openapi("ReceiveStock");

export const ReturnSchema = z
  .strictObject({
    type: z.literal("return"),
    locationId: id("loc_edinburgh"),
    quantity,
    orderId: id("ord_01hx4k7m2qa9c3r5t7v9wxyz")
      .optional()
      .openapi({ description: "The order the bottles came back from." }),
    reason: reason.openapi({ example: "Returned unopened" }),
    ...common,
  })
  .openapi("ReturnStock", {
    description: "Bottles coming back from a customer into stock (ledger kind `return`).",
  });

const auditId = id("sau_01hx4k7m2qa9c3r5t7v9wxyz").optional().openapi({
  description: "This corrects what that audit found: the ledger row's kind is `audit_correction`.",
});

export const AdjustSchema = z
  .strictObject({
    type: z.literal("adjust"),
    locationId: id("loc_edinburgh"),
    delta: z
      .number()
      .int()
      .min(-100_000)
      .max(100_000)
      .refine((n) => n !== 0, "must not be 0")
      .openapi({ description: "Bottles to add (positive) or remove (negative)." }),
    reason: reason.openapi({ example: "Bottle broken in handling" }),
    auditId,
    ...common,
  })
  .openapi("AdjustStock");

export const TransferSchema = z
  .strictObject({
    type: z.literal("transfer"),
    fromLocationId: id("loc_edinburgh"),
    toLocationId: id("loc_london"),
    quantity,
    reason: reason.optional(),
    ...common,
  })
  .openapi("TransferStock");

export const CountSchema = z
  .strictObject({
    type: z.literal("count"),
    locationId: id("loc_edinburgh"),
    counted: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .openapi({ description: "Bottles found by a physical count." }),
    reason: reason.optional(),
    auditId,
    ...common,
  })
  .openapi("CountStock");

export const StockChangeSchema = z
  .discriminatedUnion("type", [ReceiveSchema, ReturnSchema, AdjustSchema, TransferSchema, CountSchema])
  .superRefine((v, ctx) => {
    if (v.type === "receive" && v.serials) {
      if (!v.batchId)
        ctx.addIssue({ code: "custom", path: ["batchId"], message: "is required with serials" });
      if (v.serials.to - v.serials.from + 1 !== v.quantity) {
        ctx.addIssue({
          code: "custom",
          path: ["serials"],
          message: "must number exactly `quantity` bottles",
        });
      }
    }
    if (v.type === "transfer" && v.fromLocationId === v.toLocationId) {
      ctx.addIssue({ code: "custom", path: ["toLocationId"], message: "must differ from fromLocationId" });
    }
  })
  .openapi("StockChange", {
    description: "One typed stock operation; `expectedVersion` makes it a compare-and-set.",
    example: { type: "receive", locationId: "loc_edinburgh", quantity: 120 },
  });

export const StockChangeResultSchema = InventorySchema.extend({
  changed: z.array(z.object({ levelId: z.string(), version: z.number().int() })).openapi({
    description: "The levels this operation wrote, with their new versions.",
  }),
}).openapi("StockChangeResult", {
  // Its own example: the one it would inherit from Inventory lacks `changed`.
  example: {
    spiritId: "spr_01hx4k7m2qa9c3r5t7v9wxyz",
    status: "available",
    available: 54,
    stockStatus: "in_stock",
    byLocation: [{ locationId: "loc_edinburgh", locationName: "Edinburgh warehouse", available: 54 }],
    version: 8,
    levels: [
      {
        levelId: "lvl_01hx4k7m2qa9c3r5t7v9wxyz",
        locationId: "loc_edinburgh",
        batchId: null,
        variantId: null,
        onHand: 60,
        reserved: 6,
        available: 54,
        version: 8,
      },
    ],
    changed: [{ levelId: "lvl_01hx4k7m2qa9c3r5t7v9wxyz", version: 8 }],
  },
});

export const MovementSchema = z
  .object({
    id: z.string().openapi({ description: "Position in the ledger (grows)." }),
    kind: z.enum(MOVEMENT_KINDS),
    levelId: z.string(),
    locationId: z.string(),
    batchId: z.string().nullable(),
    onHandDelta: z.number().int(),
    reservedDelta: z.number().int(),
    actorId: z.string().nullable(),
    reason: z.string().nullable(),
    orderId: z.string().nullable(),
    holdId: z.string().nullable(),
    operationId: z.string().nullable(),
    at: z.string().openapi({ example: at }),
  })
  .openapi("StockMovement");

export const MovementListSchema = z
  .object({ items: z.array(MovementSchema), nextCursor: z.string().nullable() })
  .openapi("StockMovementList");

export const MovementQuerySchema = z.object({
  kind: z.enum(MOVEMENT_KINDS).optional(),
  locationId: z.string().min(1).max(64).optional(),
  orderId: z.string().min(1).max(64).optional(),
  ...pageQueryShape({ defaultLimit: 50, maxLimit: 200 }),
});

export const DiscrepancySchema = z
  .object({
    kind: z.string(),
    subject: z.record(z.string(), z.string().nullable()),
    expected: z.number().int(),
    actual: z.number().int(),
    detail: z.string(),
  })
  .openapi("StockDiscrepancy");

export const AuditSchema = z
  .object({
    id: z.string(),
    trigger: z.enum(["manual", "scheduled"]),
    actorId: z.string().nullable(),
    clean: z.boolean().openapi({ description: "No discrepancy found." }),
    levelsChecked: z.number().int(),
    movementsChecked: z.number().int(),
    activeHolds: z.number().int(),
    lapsedHolds: z
      .number()
      .int()
      .openapi({ description: "Active holds past expiry not yet released by the reaper." }),
    discrepancies: z.array(DiscrepancySchema),
    startedAt: z.string().openapi({ example: at }),
    finishedAt: z.string().openapi({ example: at }),
  })
  .openapi("InventoryAudit");

export const AuditListSchema = z
  .object({ items: z.array(AuditSchema), nextCursor: z.string().nullable() })
  .openapi("InventoryAuditList");

export const AuditListQuerySchema = z.object({
  ...pageQueryShape(),
});

export type StockChange = z.infer<typeof StockChangeSchema>;
export type Inventory = z.infer<typeof InventorySchema>;
export type Audit = z.infer<typeof AuditSchema>;
export type MovementQuery = z.infer<typeof MovementQuerySchema>;
