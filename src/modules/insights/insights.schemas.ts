import { z } from "@hono/zod-openapi";
import { PRICE_DECISIONS } from "../../db/schema/insights.ts";
import { pageQueryShape } from "../../http/pagination.ts";
import { SIGNALS } from "./demand-model.ts";

export const SpiritIdParamsSchema = z.object({
  spiritId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "spiritId", in: "path" }, example: "spr_01hx5k3m2n8q7r6t5v4w3x" }),
});

export const AllocationQuerySchema = z.object({
  allocation: z.coerce
    .number({ error: "must be a whole number from 1 to 100000" })
    .int("must be a whole number from 1 to 100000")
    .min(1, "must be a whole number from 1 to 100000")
    .max(100_000, "must be a whole number from 1 to 100000")
    .optional()
    .openapi({
      description: "Bottles planned for the release; default: what the stock engine can still sell.",
    }),
});

const money = z.object({ amountMinor: z.number().int(), currency: z.string() });

const ModelSchema = z
  .object({
    source: z.enum(["fitted", "prior"]).openapi({
      description: "`fitted` on the comparables, or the documented priors while there are fewer than 8.",
    }),
    comparables: z.number().int(),
    baseline: z
      .number()
      .openapi({ description: "Bottles the model starts from before any signal (may be negative)." }),
    elasticity: z
      .number()
      .openapi({ description: "Price elasticity of demand: -1.5 means 1 % dearer sells 1.5 % fewer." }),
    elasticityRange: z.array(z.number()).length(2),
    referencePrice: money,
    residualSd: z
      .number()
      .openapi({ description: "The fit's typical error on its comparables, in bottles." }),
  })
  .openapi("DemandModel");

export const DemandInsightSchema = z
  .object({
    spiritId: z.string(),
    price: money,
    estimate: z.number().openapi({ description: "Bottles customers would buy at today's price, all told." }),
    components: z.array(
      z.object({
        signal: z.enum(SIGNALS),
        count: z.number().int(),
        weight: z.number().openapi({ description: "Bottles per signal, as fitted (or the prior)." }),
        contribution: z.number().openapi({ description: "count × weight × the price factor, in bottles." }),
      }),
    ),
    priceFactor: z.number().openapi({ description: "(price / reference price)^elasticity." }),
    allocation: z.number().int(),
    stockOutRisk: z
      .number()
      .openapi({ description: "The probability that demand exceeds the allocation (0–1)." }),
    sellThrough: z.object({
      comparables: z.number().int(),
      soldOut: z.number().int(),
      medianSellThrough: z
        .number()
        .nullable()
        .openapi({ description: "Share of their supply comparables sold." }),
      medianBottlesPerDay: z.number().nullable(),
    }),
    model: ModelSchema,
    notes: z.array(z.string()),
  })
  .openapi("DemandInsight");
export type DemandInsight = z.infer<typeof DemandInsightSchema>;

export const PriceSuggestionSchema = z
  .object({
    spiritId: z.string(),
    current: money,
    suggested: money,
    range: z.object({ lowMinor: z.number().int(), highMinor: z.number().int() }).openapi({
      description: "The suggestion at either end of the elasticity's 95 % interval.",
    }),
    allocation: z.number().int(),
    demandAtCurrent: z.number(),
    demandAtSuggested: z.number(),
    reasons: z.array(z.string()),
    model: ModelSchema,
  })
  .openapi("PriceSuggestion", {
    description: "Never applied by itself: staff decide, and their decision is recorded.",
  });
export type PriceSuggestion = z.infer<typeof PriceSuggestionSchema>;

export const PriceDecisionInputSchema = z
  .strictObject({
    decision: z.enum(PRICE_DECISIONS, `must be one of ${PRICE_DECISIONS.join(", ")}`),
    priceMinor: z
      .number("must be a whole number of minor units")
      .int("must be a whole number of minor units")
      .min(1, "must be at least 1")
      .max(100_000_000, "must be at most 100000000")
      .optional()
      .openapi({ description: "The price chosen instead, for `adjusted` only." }),
    reason: z
      .string()
      .trim()
      .min(3, "must say why (at least 3 characters)")
      .max(1000, "must be at most 1000 characters"),
    allocation: AllocationQuerySchema.shape.allocation.unwrap().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === "adjusted" && v.priceMinor === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["priceMinor"],
        message: "is required when the decision is adjusted",
      });
    }
    if (v.decision !== "adjusted" && v.priceMinor !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["priceMinor"],
        message: "is only given when the decision is adjusted",
      });
    }
  })
  .openapi("PriceDecisionInput", {
    example: { decision: "adjusted", priceMinor: 21000, reason: "Hold the line with the distillery's RRP" },
  });
export type PriceDecisionInput = z.output<typeof PriceDecisionInputSchema>;

export const PriceDecisionSchema = z
  .object({
    id: z.string(),
    spiritId: z.string(),
    decision: z.enum(PRICE_DECISIONS),
    suggested: money,
    range: z.object({ lowMinor: z.number().int(), highMinor: z.number().int() }),
    current: money,
    chosen: money.nullable(),
    reason: z.string(),
    decidedBy: z.string(),
    decidedAt: z.string(),
  })
  .openapi("PriceDecision");
export type PriceDecisionView = z.infer<typeof PriceDecisionSchema>;

export const PriceDecisionListSchema = z
  .object({ items: z.array(PriceDecisionSchema), nextCursor: z.string().nullable() })
  .openapi("PriceDecisionList");
export const PriceDecisionListQuerySchema = z.object({ ...pageQueryShape() });
