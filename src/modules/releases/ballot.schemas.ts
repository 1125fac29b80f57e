import { z } from "@hono/zod-openapi";
import { ENTRY_STATUSES } from "../../db/schema/ballots.ts";
import { pageQueryShape } from "../../http/pagination.ts";
import { queryFlag } from "../../http/query-lists.ts";
import { ShippingSchema } from "../../http/shipping-address.ts";
import { DRAW_ALGORITHM } from "./ballot-draw.ts";

const hash = z
  .string()
  .openapi({ example: "9f2c1e7a0b44d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e" });

export const BallotSummarySchema = z
  .object({
    commitment: hash.openapi({ description: "SHA-256 of the draw's secret seed, public from the start." }),
    claimMinutes: z.number().int().openapi({ description: "How long a winner has to pay." }),
    entries: z.number().int().openapi({ description: "Live entries (withdrawn and voided ones left out)." }),
    drawnAt: z.string().nullable(),
    settledAt: z
      .string()
      .nullable()
      .openapi({ description: "When every bottle was paid for or no entry was left to offer one to." }),
  })
  .openapi("BallotSummary");

export const EntryInputSchema = z
  .strictObject({
    quantity: z
      .number("must be a whole number")
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(100, "must be at most 100")
      .default(1)
      .openapi({ description: "Bottles wanted; at most the release's per-customer limit." }),
    shipping: ShippingSchema.openapi({ description: "Where a winning entry's order goes." }),
    humanToken: z.string().max(4096).optional().openapi({
      description: "The anti-bot token (CAPTCHA / Turnstile) when the shop requires one.",
    }),
  })
  .openapi("BallotEntryInput");
export type EntryInput = z.output<typeof EntryInputSchema>;

export const EntrySchema = z
  .object({
    id: z.string().openapi({ example: "ent_01hx4k7m2qa9c3r5t7v9wxyz" }),
    releaseId: z.string(),
    quantity: z.number().int(),
    status: z.enum(ENTRY_STATUSES).openapi({
      description:
        "`entered` until the draw; then `waiting` (not reached yet, in draw order), `won` (an order is reserved for it: `orderId`), `lapsed` (not paid in time), `refused` (its order could not be placed), `lost`; or `withdrawn`, `void`.",
    }),
    drawPosition: z.number().int().nullable().openapi({ description: "1-based place in the draw order." }),
    orderId: z.string().nullable(),
    hash: hash.openapi({
      description: "SHA-256 of `entry:` + id: how this entry appears in the published draw.",
    }),
    shipping: ShippingSchema.openapi({ description: "Where a winning entry's order goes." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("BallotEntry");
export type Entry = z.infer<typeof EntrySchema>;

export const StaffEntrySchema = EntrySchema.extend({
  customerId: z.string(),
  note: z.string().nullable(),
  sameBuildingEntries: z.number().int().openapi({
    description: "Other live entries in this ballot at the same postal code and house number (flats, typos).",
  }),
  addressUsedByOthers: z.number().int().openapi({
    description: "Other customers who entered any ballot with this exact (normalised) address.",
  }),
  cardUsedByOthers: z.number().int().openapi({
    description:
      "Other customers who paid for an order with a card this entrant paid with (the payment provider's card fingerprint; Stripe only).",
  }),
}).openapi("BallotEntryForStaff");
export type StaffEntry = z.infer<typeof StaffEntrySchema>;

export const EntryListSchema = z
  .object({ items: z.array(EntrySchema), nextCursor: z.string().nullable() })
  .openapi("BallotEntryList");

export const StaffEntryListSchema = z
  .object({ items: z.array(StaffEntrySchema), nextCursor: z.string().nullable() })
  .openapi("BallotEntryListForStaff");

export const StaffEntryQuerySchema = z.object({
  ...pageQueryShape({ defaultLimit: 50, maxLimit: 500 }),
  flagged: queryFlag("Only entries that share a building, an address or a paying card with others."),
  status: z.enum(ENTRY_STATUSES, `must be one of ${ENTRY_STATUSES.join(", ")}`).optional(),
});
export type StaffEntryQuery = z.output<typeof StaffEntryQuerySchema>;

export const EntryListQuerySchema = z.object({ ...pageQueryShape() });
export type EntryListQuery = z.output<typeof EntryListQuerySchema>;

export const VoidInputSchema = z
  .strictObject({
    reason: z.string().trim().min(1, "must not be empty").max(500, "must be at most 500 characters"),
  })
  .openapi("BallotEntryVoid");

export const EntryParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "rel_01hx4k7m2qa9c3r5t7v9wxyz" }),
  entryId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "entryId", in: "path" }, example: "ent_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

export const CustomerParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "me", description: "A customer id, or `me`." }),
});

export const PublishedEntrySchema = z
  .object({
    hash,
    quantity: z.number().int(),
    position: z.number().int().openapi({ description: "1-based place in the draw order." }),
    outcome: z.enum(["waiting", "awarding", "won", "lapsed", "refused", "lost", "void"]),
  })
  .openapi("BallotPublishedEntry");

export const DrawSchema = z
  .object({
    releaseId: z.string(),
    algorithm: z.literal(DRAW_ALGORITHM).openapi({
      description:
        "Fisher-Yates over the entries in id order; step i swaps with (first 8 bytes of SHA-256(seed + ':' + i), big-endian) mod (i + 1). See scripts/verify-draw.ts.",
    }),
    commitment: hash,
    seed: z.string().nullable().openapi({ description: "Revealed at the draw; SHA-256(seed) = commitment." }),
    drawnAt: z.string().nullable(),
    allocation: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The allocation the winners were taken from." }),
    entriesDigest: hash
      .nullable()
      .openapi({ description: "SHA-256 of the entries' hashes joined by newlines." }),
    entries: z
      .array(PublishedEntrySchema)
      .openapi({ description: "In entry id order, the order the shuffle took." }),
    winners: z.array(hash).openapi({
      description:
        "The draw's winners: entries in draw order while the allocation lasts (one whose quantity no longer fits is passed over). Later offers to the waitlist show in `outcome`.",
    }),
  })
  .openapi("BallotDraw");
export type Draw = z.infer<typeof DrawSchema>;

export const DrawResultSchema = z
  .object({
    releaseId: z.string(),
    commitment: hash,
    seed: z.string().openapi({ description: "The seed, revealed; SHA-256(seed) = commitment." }),
    drawnAt: z.string(),
    entriesDigest: hash,
    entries: z.number().int().openapi({ description: "Entries drawn." }),
    winners: z
      .number()
      .int()
      .openapi({ description: "Entries the allocation reached (their orders are reserved)." }),
  })
  .openapi("BallotDrawResult");
export type DrawResult = z.infer<typeof DrawResultSchema>;
