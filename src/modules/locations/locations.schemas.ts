import { z } from "@hono/zod-openapi";
import { LOCATION_KINDS } from "../../db/schema/locations.ts";
import { isShippingCode, isSubdivisionCode } from "../../http/destinations.ts";
import { isCountryCode } from "../../http/iso-codes.ts";
import { pageQueryShape } from "../../http/pagination.ts";

const upper = (v: string) => v.trim().toUpperCase();

const ShippingCodeSchema = z
  .string()
  .max(10, { message: "must be *, EU, a country (GB) or a subdivision (GB-SCT)", abort: true })
  .transform(upper)
  .refine(isShippingCode, "must be *, EU, a country (GB) or a subdivision (GB-SCT)")
  .openapi({ example: "GB-SCT" });

export const LocationInputSchema = z
  .strictObject({
    name: z.string().trim().min(1, "must not be empty").max(120, "must be at most 120 characters"),
    kind: z.enum(LOCATION_KINDS, "must be warehouse or retail"),
    country: z
      .string()
      .max(2, { message: "must be an ISO 3166-1 alpha-2 country code", abort: true })
      .transform(upper)
      .refine(isCountryCode, "must be an ISO 3166-1 alpha-2 country code")
      .openapi({ example: "GB", description: "ISO 3166-1 alpha-2 country the location is in." }),
    region: z
      .string()
      .max(6, { message: "must be an ISO 3166-2 code such as GB-SCT", abort: true })
      .transform(upper)
      .refine(isSubdivisionCode, "must be an ISO 3166-2 code such as GB-SCT")
      .nullable()
      .default(null)
      .openapi({ example: "GB-SCT", description: "ISO 3166-2 subdivision the location is in." }),
    shipsTo: z
      .array(ShippingCodeSchema)
      .max(300, "must list at most 300 codes")
      .transform((codes) => [...new Set(codes)])
      .openapi({
        description:
          "Destinations this location ships to: `*` (anywhere), `EU` (the 27 member states), a country " +
          "(`GB`) or an ISO 3166-2 subdivision (`GB-SCT`). A destination is served when the list holds " +
          "`*`, a group of its country, its country, or its subdivision. Empty: ships nowhere (collection only).",
        example: ["GB", "IE", "EU"],
      }),
    active: z.boolean("must be true or false").default(true),
  })
  .superRefine((v, ctx) => {
    // Only once the country itself is valid, so one mistake gives one error.
    if (
      v.region &&
      isCountryCode(v.country) &&
      isSubdivisionCode(v.region) &&
      !v.region.startsWith(`${v.country}-`)
    ) {
      ctx.addIssue({ code: "custom", path: ["region"], message: `must be a subdivision of ${v.country}` });
    }
  })
  .openapi("LocationInput", {
    example: {
      name: "Leith bonded warehouse",
      kind: "warehouse",
      country: "GB",
      region: "GB-SCT",
      shipsTo: ["GB", "EU"],
      active: true,
    },
  });

export type LocationInput = z.output<typeof LocationInputSchema>;

export const LocationSchema = z
  .object({
    id: z.string().openapi({ example: "loc_01hx4k7m2qa9c3r5t7v9wxyz" }),
    name: z.string(),
    kind: z.enum(LOCATION_KINDS),
    country: z.string(),
    region: z.string().nullable(),
    shipsTo: z.array(z.string()),
    active: z.boolean(),
    createdAt: z.string().openapi({ example: "2026-06-01T12:00:00.000Z" }),
    updatedAt: z.string().openapi({ example: "2026-06-01T12:00:00.000Z" }),
  })
  .openapi("Location", {
    example: {
      id: "loc_01hx4k7m2qa9c3r5t7v9wxyz",
      name: "Leith bonded warehouse",
      kind: "warehouse",
      country: "GB",
      region: "GB-SCT",
      shipsTo: ["GB", "EU"],
      active: true,
      createdAt: "2026-06-01T12:00:00.000Z",
      updatedAt: "2026-06-01T12:00:00.000Z",
    },
  });

export type Location = z.infer<typeof LocationSchema>;

export const LocationListSchema = z
  .object({
    items: z.array(LocationSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .openapi("LocationList");

export const LocationListQuerySchema = z.object({
  kind: z.enum(LOCATION_KINDS, "must be warehouse or retail").optional(),
  active: z
    .enum(["true", "false"], "must be true or false")
    .transform((v) => v === "true")
    .optional()
    .openapi({ type: "boolean", description: "Only active (true) or inactive (false) locations." }),
  ...pageQueryShape(),
});

export type LocationListQuery = z.output<typeof LocationListQuerySchema>;

export const LocationIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "loc_01hx4k7m2qa9c3r5t7v9wxyz" }),
});
