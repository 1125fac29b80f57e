import { z } from "@hono/zod-openapi";
import { isPlaceCode } from "../../http/destinations.ts";

export const AgeLimitSchema = z
  .object({
    code: z
      .string()
      .openapi({ example: "US", description: "Country (ISO 3166-1) or subdivision (ISO 3166-2)." }),
    minimumAge: z.number().int().openapi({ example: 21 }),
    note: z.string().nullable().openapi({ example: "National minimum drinking age act" }),
    updatedAt: z.string().openapi({ example: "2026-06-01T12:00:00.000Z" }),
  })
  .openapi("AgeLimit");

export const BlockedDestinationSchema = z
  .object({
    code: z.string().openapi({ example: "US-UT" }),
    reason: z
      .string()
      .openapi({ example: "State-controlled sale: no direct shipping of spirits to consumers" }),
    updatedAt: z.string().openapi({ example: "2026-06-01T12:00:00.000Z" }),
  })
  .openapi("BlockedDestination");

export const ComplianceRulesSchema = z
  .object({
    defaultMinimumAge: z
      .number()
      .int()
      .openapi({ example: 18, description: "The minimum age for a country with no age limit of its own." }),
    ageLimits: z.array(AgeLimitSchema).openapi({
      description:
        "Minimum age to buy spirits, by country or subdivision; a subdivision's limit wins over its country's.",
    }),
    blockedDestinations: z.array(BlockedDestinationSchema).openapi({
      description: "Countries and subdivisions that may not receive spirits.",
    }),
  })
  .openapi("ComplianceRules");

export type AgeLimit = z.infer<typeof AgeLimitSchema>;
export type BlockedDestination = z.infer<typeof BlockedDestinationSchema>;
export type ComplianceRules = z.infer<typeof ComplianceRulesSchema>;

export const AgeLimitInputSchema = z
  .strictObject({
    minimumAge: z
      .number("must be a whole number of years")
      .int("must be a whole number of years")
      .min(0, "must be 0 to 99")
      .max(99, "must be 0 to 99"),
    note: z.string().trim().max(200, "must be at most 200 characters").nullable().default(null),
  })
  .openapi("AgeLimitInput", { example: { minimumAge: 18, note: "Quebec" } });

export const BlockedDestinationInputSchema = z
  .strictObject({
    reason: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  })
  .openapi("BlockedDestinationInput", { example: { reason: "No direct shipping of spirits to consumers" } });

export type AgeLimitInput = z.output<typeof AgeLimitInputSchema>;
export type BlockedDestinationInput = z.output<typeof BlockedDestinationInputSchema>;

export const PlaceCodeParamsSchema = z.object({
  code: z
    .string()
    .max(6, { message: "must be a country (GB) or an ISO 3166-2 subdivision (US-UT)", abort: true })
    .transform((v) => v.toUpperCase())
    .refine(isPlaceCode, "must be a country (GB) or an ISO 3166-2 subdivision (US-UT)")
    .openapi({
      param: { name: "code", in: "path" },
      description: "A country (ISO 3166-1 alpha-2, `GB`) or subdivision (ISO 3166-2, `CA-QC`).",
      example: "CA-QC",
    }),
});
