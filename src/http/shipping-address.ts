import { z } from "@hono/zod-openapi";
import { isCountryCode } from "./iso-codes.ts";
import { RegionCodeSchema, regionInCountry, withFullRegion } from "./region-code.ts";

/**
 * A shipping address as customers give it: for an order, and for a ballot entry (the winner's order goes
 * there). The region is stored and matched as the full ISO 3166-2 code, whichever way it was written.
 */
const addressText = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

export const ShippingSchema = z
  .strictObject({
    name: addressText(100).openapi({ example: "Isla Campbell", description: "Who receives the parcel." }),
    lines: z
      .array(addressText(100))
      .min(1, "must have at least one line")
      .max(3, "must have at most 3 lines")
      .openapi({ example: ["12 Rose Street", "Flat 3"], description: "Street address, 1 to 3 lines." }),
    city: addressText(100).openapi({ example: "Edinburgh" }),
    postalCode: addressText(16)
      .regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, "must be letters, digits, spaces and hyphens")
      .openapi({ example: "EH2 2PR" }),
    phone: z
      .string()
      .regex(/^\+[1-9][0-9]{6,14}$/, "must be an international (E.164) number such as +441312345678")
      .optional()
      .openapi({ example: "+441312345678", description: "For the carrier; E.164." }),
    country: z
      .string()
      .transform((v) => v.toUpperCase())
      .refine(isCountryCode, "must be an ISO 3166-1 alpha-2 country code")
      .openapi({ example: "GB", description: "ISO 3166-1 alpha-2." }),
    region: RegionCodeSchema.optional(),
  })
  .check(regionInCountry)
  .transform(withFullRegion)
  .openapi("Shipping");

export type Shipping = z.output<typeof ShippingSchema>;
