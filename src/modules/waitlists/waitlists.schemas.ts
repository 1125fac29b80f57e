import { z } from "@hono/zod-openapi";
import { pageQueryShape } from "../../http/pagination.ts";
import { ShippingSchema } from "../../http/shipping-address.ts";

export const SpiritIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

export const WaitlistJoinSchema = z
  .strictObject({
    quantity: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(100, "must be at most 100")
      .openapi({ example: 1, description: "Bottles wanted: at most the spirit's per-customer limit." }),
    shipping: ShippingSchema.openapi({ description: "Where the offer's order goes." }),
  })
  .openapi("WaitlistJoinInput");
export type WaitlistJoin = z.output<typeof WaitlistJoinSchema>;

/** What the owner sees: `offering` (an offer being placed) reads as `waiting`. */
export const WAITLIST_STATES = ["waiting", "offered", "claimed", "lapsed", "refused", "withdrawn"] as const;

export const WaitlistEntrySchema = z
  .object({
    id: z.string().openapi({ example: "wle_01hx4k7m2qa9c3r5t7v9wxyz" }),
    spiritId: z.string(),
    quantity: z.number().int(),
    state: z.enum(WAITLIST_STATES).openapi({
      description:
        "`waiting` (in line; its bottles are earmarked as soon as any are freed), `offered` (an order is reserved for you: `orderId`, pay by `offerExpiresAt`), `claimed` (the offer's order was paid), `lapsed` (not paid in time or cancelled: the bottles passed to the next in line), `refused` (your turn came but the order could not be placed: `note`), `withdrawn`.",
    }),
    position: z.number().int().nullable().openapi({
      description: "1-based place among the entries still waiting (null once no longer waiting).",
    }),
    orderId: z.string().nullable(),
    offerExpiresAt: z
      .string()
      .nullable()
      .openapi({ description: "ISO-8601 UTC: the offer's payment window ends." }),
    note: z.string().nullable(),
    joinedAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WaitlistEntry");
export type WaitlistEntry = z.infer<typeof WaitlistEntrySchema>;

export const StaffWaitlistEntrySchema = WaitlistEntrySchema.extend({ customerId: z.string() }).openapi(
  "StaffWaitlistEntry",
);
export type StaffWaitlistEntry = z.infer<typeof StaffWaitlistEntrySchema>;

export const StaffWaitlistQuerySchema = z.object({ ...pageQueryShape({ defaultLimit: 50, maxLimit: 500 }) });
export type StaffWaitlistQuery = z.output<typeof StaffWaitlistQuerySchema>;

export const StaffWaitlistListSchema = z
  .object({ items: z.array(StaffWaitlistEntrySchema), nextCursor: z.string().nullable() })
  .openapi("StaffWaitlistList");
