import { createRoute, z } from "@hono/zod-openapi";
import { SPIRIT_TYPES } from "../../db/schema/catalog.ts";
import { REASON_CODES } from "../../db/schema/recommendations.ts";
import { access } from "../../http/access.ts";
import { isCurrencyCode } from "../../http/iso-codes.ts";
import { AUTH_ERRORS, jsonContent, problemResponses } from "../../http/openapi.ts";

const nowExample = "2026-06-01T12:00:00.000Z";

const minor = z.coerce
  .number({ error: "must be a whole number of minor units" })
  .int("must be a whole number of minor units")
  .min(0, "must not be negative")
  // Coercion takes null for 0, so the generator would call it nullable; a query value never is.
  .openapi({ type: "integer", minimum: 0 });

export const RecommendationQuerySchema = z
  .object({
    customerId: z.string().min(1).max(100).optional().openapi({
      description: "Staff only: whose recommendations to show (customers get their own).",
    }),
    limit: z.coerce
      .number({ error: "must be a whole number from 1 to 50" })
      .int("must be a whole number")
      .min(1, "must be 1 to 50")
      .max(50, "must be 1 to 50")
      .default(10),
    type: z.enum(SPIRIT_TYPES, { error: `must be one of ${SPIRIT_TYPES.join(", ")}` }).optional(),
    currency: z
      .string()
      .refine(isCurrencyCode, "must be an ISO 4217 currency code such as GBP")
      .optional()
      .openapi({ description: "Required with minPrice or maxPrice.", example: "GBP" }),
    minPrice: minor.optional().openapi({ example: 5000 }),
    maxPrice: minor.optional().openapi({ example: 25000 }),
    context: z.string().min(1).max(100).optional().openapi({
      description: "A spirit id: recommend more like this one (still for this customer, with their rules).",
      example: "spr_01hx4k7m2qa9c3r5t7v9wxyz",
    }),
  })
  .superRefine((q, ctx) => {
    if ((q.minPrice !== undefined || q.maxPrice !== undefined) && !q.currency) {
      ctx.addIssue({ code: "custom", path: ["currency"], message: "is required with minPrice or maxPrice" });
    }
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) {
      ctx.addIssue({ code: "custom", path: ["maxPrice"], message: "must not be below minPrice" });
    }
  });

export const RecommendedSpiritSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    distillery: z.string(),
    type: z.string(),
    country: z.string(),
    region: z.string().nullable(),
    ageYears: z.number().int().nullable(),
    price: z.object({ amountMinor: z.number().int(), currency: z.string() }),
    status: z.string(),
    tags: z.array(z.string()),
    rating: z.object({ average: z.number().nullable(), count: z.number().int() }),
    imageUrl: z.string().nullable(),
  })
  .openapi("RecommendedSpirit");

export const RecommendationSchema = z
  .object({
    spirit: RecommendedSpiritSchema,
    score: z.number().openapi({ description: "Higher is better; comparable within one answer only." }),
    reason: z.string().openapi({ example: "similar to Port Ardnahoe 12, which you rated 5" }),
    reasonCode: z.enum(REASON_CODES),
    relatedSpiritId: z.string().nullable().openapi({ description: "The spirit the reason names, if any." }),
    collaborativeShare: z
      .number()
      .openapi({ description: "How much of the score came from what similar customers did (0 to 1)." }),
    inStock: z.boolean(),
  })
  .openapi("Recommendation");

export const RecommendationListSchema = z
  .object({
    customerId: z.string(),
    context: z.string().nullable().openapi({ description: "The spirit of a `more like this` request." }),
    strategy: z.string().openapi({
      description:
        "`hybrid` (content and collaborative), `content`, `collaborative`, `popularity` (cold start), " +
        "`more_like_this`, or `none` when nothing may be offered.",
      example: "hybrid",
    }),
    contentWeight: z.number().openapi({
      description: "The content share of the blend (1 for a newcomer, falling as history grows).",
      example: 0.4,
    }),
    computedAt: z
      .string()
      .nullable()
      .openapi({ description: "When these were computed.", example: nowExample }),
    refreshPending: z
      .boolean()
      .openapi({ description: "Newer signals are queued: a fresher list is being computed." }),
    notice: z.string().nullable().openapi({ description: "Why the list is empty, when a rule says so." }),
    items: z.array(RecommendationSchema),
  })
  .openapi("RecommendationList");

export const getRecommendations = createRoute({
  method: "get",
  path: "/recommendations",
  tags: ["Recommendations"],
  summary: "Personal recommendations, each with its reason",
  description:
    "Read from the per-customer cache the background job keeps (see `computedAt`); every rule is checked " +
    "again on reading: nothing already bought (unless a new batch), nothing archived, nothing with a tag " +
    "the customer avoids, nothing at all when they may not legally buy; in-stock spirits first.",
  ...access("owner"),
  middleware: [],
  request: { query: RecommendationQuerySchema },
  responses: {
    200: jsonContent(RecommendationListSchema, "Recommendations, best first."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export type GetRecommendationsRoute = typeof getRecommendations;
