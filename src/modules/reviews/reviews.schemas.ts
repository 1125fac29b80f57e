import { z } from "@hono/zod-openapi";
import { REVIEW_STATUSES } from "../../db/schema/reviews.ts";
import { pageQueryShape } from "../../http/pagination.ts";
import { must } from "../../http/schema-messages.ts";

const nowExample = "2026-06-01T12:00:00.000Z";
export const MAX_REVIEW_LENGTH = 5000;

export const ReviewInputSchema = z
  .strictObject(
    {
      rating: z
        .number({
          error: (i) => (i.input === undefined ? "is required" : "must be a whole number from 1 to 5"),
        })
        .int("must be a whole number from 1 to 5")
        .min(1, "must be 1 to 5")
        .max(5, "must be 1 to 5")
        .openapi({ example: 5 }),
      title: z
        .string({ error: "must be text" })
        .trim()
        .max(200, "must be at most 200 characters")
        .nullish()
        .openapi({ example: "Bonfire on a beach" }),
      body: z
        .string({ error: (i) => (i.input === undefined ? "is required" : "must be text") })
        .trim()
        .min(1, "must not be empty")
        .max(MAX_REVIEW_LENGTH, `must be at most ${MAX_REVIEW_LENGTH} characters`)
        .openapi({
          example: "Peat smoke and iodine up front, then smoked pear and sea salt. A long, drying finish.",
        }),
    },
    { error: (i) => (i.code === "unrecognized_keys" ? `unknown field ${i.keys?.join(", ")}` : undefined) },
  )
  .openapi("ReviewInput", {
    description:
      "A review is approved at once when it passes simple rules (20 to 2000 characters, no links, no " +
      "banned words); otherwise it waits for staff (`pending`).",
  });

export const ModerationInputSchema = z
  .strictObject({
    decision: z.enum(["approve", "reject"], { error: "must be approve or reject" }),
    note: z.string().trim().max(500, "must be at most 500 characters").optional().openapi({
      example: "Mentions a competitor's shop.",
    }),
  })
  .openapi("ReviewModeration");

export const ReviewSchema = z
  .object({
    id: z.string().openapi({ example: "rev_01hx4m0000abcdefghjkmn" }),
    spiritId: z.string().openapi({ example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    author: z
      .object({
        displayName: z.string().openapi({
          description:
            "The display name the author chose, else initials of their name (`Isla C.`), else `A customer`.",
          example: "Isla C.",
        }),
        customerId: z.string().optional().openapi({
          description: "Shown to the author and staff only.",
          example: "cus_01hx4k0000abcdefghjkmn",
        }),
        name: z.string().optional().openapi({
          description: "The author's full name; shown to the author and staff only.",
          example: "Isla Campbell",
        }),
      })
      .openapi("ReviewAuthor"),
    rating: z.number().int().min(1).max(5).openapi({ example: 5 }),
    title: z.string().nullable(),
    body: z.string(),
    status: z.enum(REVIEW_STATUSES).openapi({
      description: "Only `approved` reviews are public and count in the spirit's rating.",
    }),
    verifiedPurchase: z
      .boolean()
      .openapi({ description: "The author has a confirmed order for this spirit." }),
    moderation: z
      .object({
        decidedBy: z.enum(["rules", "staff"]),
        note: z
          .string()
          .nullable()
          .openapi({ example: "Held for staff: contains a link or an e-mail address." }),
        at: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: "Shown to the author and staff; null for everyone else." }),
    createdAt: z.string().openapi({ example: nowExample }),
    updatedAt: z.string().openapi({ example: nowExample }),
  })
  .openapi("Review");

export const ReviewListSchema = z
  .object({ items: z.array(ReviewSchema), nextCursor: z.string().nullable() })
  .openapi("ReviewList");

export const ReviewQueueItemSchema = ReviewSchema.extend({
  spirit: z.object({
    id: z.string().openapi({ example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    name: z.string().openapi({ example: "Port Ardnahoe 12 Year Old Cask Strength" }),
  }),
}).openapi("ReviewQueueItem");

export const ReviewQueueSchema = z
  .object({ items: z.array(ReviewQueueItemSchema), nextCursor: z.string().nullable() })
  .openapi("ReviewQueue", { description: "Oldest first, so the longest-waiting review is moderated first." });

export const ReviewQueueQuerySchema = z.object({
  status: z
    .enum(REVIEW_STATUSES, must(`one of ${REVIEW_STATUSES.join(", ")}`))
    .default("pending")
    .openapi({ description: "Which reviews to list; `pending` (the default) is the moderation queue." }),
  spiritId: z
    .string(must("a spirit id"))
    .min(1, "must not be empty")
    .max(100, "is not a spirit id")
    .optional()
    .openapi({ description: "Only this spirit's reviews.", example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
  ...pageQueryShape(),
});

export const SpiritParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

export const ReviewParamsSchema = SpiritParamsSchema.extend({
  reviewId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "reviewId", in: "path" }, example: "rev_01hx4m0000abcdefghjkmn" }),
});

export const ReviewListQuerySchema = z.object({
  status: z.enum(REVIEW_STATUSES).optional().openapi({
    description: "Staff only for `pending` and `rejected`; everyone sees `approved` (the default).",
  }),
  ...pageQueryShape(),
});
