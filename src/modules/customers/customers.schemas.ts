import { z } from "@hono/zod-openapi";
import {
  FLAVOUR_DIMENSIONS,
  FLAVOUR_SCORE_MAX,
  type FlavourDimension,
  SPIRIT_STATUSES,
  SPIRIT_TYPES,
} from "../../db/schema/catalog.ts";
import { isCountryCode, isCurrencyCode } from "../../http/iso-codes.ts";
import { LINK_OR_EMAIL } from "../../http/links.ts";
import { pageQueryShape } from "../../http/pagination.ts";
import { RegionCodeSchema, regionInCountry, withFullRegion } from "../../http/region-code.ts";
import { must, strictFields } from "../../http/schema-messages.ts";

export const MAX_WISHLIST_ITEMS = 500;
const MAX_AMOUNT_MINOR = 1_000_000_000_000;

const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
const dimensionList = FLAVOUR_DIMENSIONS.join(", ");

const text = (max: number) =>
  z.string(must("text")).trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const noRepeats = (list: readonly string[]) => new Set(list.map((s) => s.toLowerCase())).size === list.length;

/** A short list of distinct entries. */
const list = <T extends z.ZodType<string>>(item: T, max: number, what: string) =>
  z
    .array(item, must(`a list of ${what}`))
    .max(max, `must have at most ${max} entries`)
    .refine(noRepeats, "must not name the same entry twice");

const CountryCodeSchema = z
  .string(must("an ISO 3166-1 alpha-2 country code"))
  .regex(/^[A-Z]{2}$/, {
    message: "must be an ISO 3166-1 alpha-2 code in upper case, such as GB",
    abort: true,
  })
  .refine(isCountryCode, "is not an ISO 3166-1 alpha-2 country code")
  .openapi({ description: "ISO 3166-1 alpha-2 country code.", example: "GB" });

const CurrencyCodeSchema = z
  .string(must("an ISO 4217 currency code"))
  .regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code in upper case, such as GBP", abort: true })
  .refine(isCurrencyCode, "is not an ISO 4217 currency in circulation")
  .openapi({ example: "GBP" });

const amountMinor = z
  .number(must("a whole number of minor units"))
  .int("must be a whole number of minor units (pence, cents)")
  .min(0, "must not be negative")
  .max(MAX_AMOUNT_MINOR, "is too large");

const score = z
  .number(must(`a score from 0 to ${FLAVOUR_SCORE_MAX}`))
  .int("must be a whole score")
  .min(0, `must be 0 to ${FLAVOUR_SCORE_MAX}`)
  .max(FLAVOUR_SCORE_MAX, `must be 0 to ${FLAVOUR_SCORE_MAX}`);

const flavourFields = (values: "scores" | "patch") => ({
  error: (iss: { code: string; input?: unknown; keys?: string[] }) =>
    iss.code === "unrecognized_keys"
      ? `unknown flavour dimension ${(iss.keys ?? []).map((k) => `"${k}"`).join(", ")}; known: ${dimensionList}`
      : iss.code === "invalid_type"
        ? `must be an object of ${values === "scores" ? "scores" : "scores or nulls"}`
        : undefined,
});

const tagSlug = z
  .string(must("a tag"))
  .max(40, "must be at most 40 characters")
  .regex(SLUG, "must be a lower-case slug: a-z and 0-9, words joined by single - or _");

const checkRange = (r: { minMinor?: number | null; maxMinor?: number | null }, ctx: z.RefinementCtx) => {
  if (r.minMinor != null && r.maxMinor != null && r.minMinor > r.maxMinor) {
    ctx.addIssue({ code: "custom", path: ["maxMinor"], message: "must not be below minMinor" });
  }
};

// Typed by hand: zod types an object built from a list of keys as an open record.
const FlavourPreferenceSchema = z
  .strictObject(
    Object.fromEntries(FLAVOUR_DIMENSIONS.map((d) => [d, score.optional()])),
    flavourFields("scores"),
  )
  .openapi("FlavourPreference", {
    description: `How much the customer likes each flavour, 0 (not at all) to ${FLAVOUR_SCORE_MAX} (a lot), in the catalog's dimensions: ${dimensionList}. Leave out a dimension with no preference.`,
    example: { smoky: 4, medicinal: 3, sweetness: 1 },
  }) as unknown as z.ZodType<Partial<Record<FlavourDimension, number>>>;

export const PreferencesSchema = z
  .strictObject(
    {
      favouriteTypes: list(
        z.enum(SPIRIT_TYPES, must(`one of ${SPIRIT_TYPES.join(", ")}`)),
        20,
        "spirit types",
      )
        .optional()
        .openapi({ example: ["scotch", "rye"] }),
      favouriteRegions: list(text(100), 30, "regions")
        .optional()
        .openapi({ example: ["Islay", "Kentucky"] }),
      favouriteDistilleries: list(text(120), 50, "distilleries")
        .optional()
        .openapi({ example: ["Ardnahoe Bay Distillery"] }),
      flavourProfile: FlavourPreferenceSchema.optional(),
      priceRange: z
        .strictObject(
          {
            minMinor: amountMinor.optional(),
            maxMinor: amountMinor.optional(),
            currency: CurrencyCodeSchema,
          },
          strictFields("an object with minMinor, maxMinor and currency"),
        )
        .superRefine(checkRange)
        .optional()
        .openapi({
          description: "What the customer likes to spend on a bottle, in minor units of `currency`.",
          example: { minMinor: 5000, maxMinor: 25000, currency: "GBP" },
        }),
      avoidTags: list(tagSlug, 30, "tags")
        .optional()
        .openapi({ example: ["sherry-cask"] }),
    },
    strictFields("an object of preferences"),
  )
  .openapi("Preferences", {
    description: "What the customer likes; recommendations and search use it. Every member is optional.",
    example: {
      favouriteTypes: ["scotch", "rye"],
      favouriteRegions: ["Islay"],
      favouriteDistilleries: ["Ardnahoe Bay Distillery"],
      flavourProfile: { smoky: 4, medicinal: 3, sweetness: 1 },
      priceRange: { minMinor: 5000, maxMinor: 25000, currency: "GBP" },
      avoidTags: ["sherry-cask"],
    },
  });

export type Preferences = z.output<typeof PreferencesSchema>;

const orNull = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** A merge patch of preferences: `null` removes a member (or a score, or a price bound). */
export const PreferencesPatchSchema = z
  .strictObject(
    {
      favouriteTypes: orNull(PreferencesSchema.shape.favouriteTypes.unwrap()),
      favouriteRegions: orNull(PreferencesSchema.shape.favouriteRegions.unwrap()),
      favouriteDistilleries: orNull(PreferencesSchema.shape.favouriteDistilleries.unwrap()),
      flavourProfile: orNull(
        z.strictObject(
          Object.fromEntries(FLAVOUR_DIMENSIONS.map((d) => [d, orNull(score)])),
          flavourFields("patch"),
        ),
      ),
      priceRange: orNull(
        z.strictObject(
          {
            minMinor: orNull(amountMinor),
            maxMinor: orNull(amountMinor),
            currency: CurrencyCodeSchema.optional(),
          },
          strictFields("an object with minMinor, maxMinor and/or currency"),
        ),
      ),
      avoidTags: orNull(PreferencesSchema.shape.avoidTags.unwrap()),
    },
    strictFields("an object of preferences"),
  )
  .openapi("PreferencesPatch", {
    description: "Merged into the stored preferences (RFC 7396): members left out stay, `null` removes one.",
    example: { flavourProfile: { smoky: null, fruity: 3 }, avoidTags: null },
  });

const DateOfBirthSchema = z.iso.date(must("a calendar date written YYYY-MM-DD")).openapi({
  description: "YYYY-MM-DD, in the past.",
  example: "1985-04-12",
});

const DisplayNameSchema = text(40)
  .refine((name) => !LINK_OR_EMAIL.test(name), "must not contain an e-mail address or a link")
  .openapi({
    description:
      "The name reviews show as the author (1 to 40 characters, no e-mail addresses or links). Without one, reviews show initials of `name` (`Ada L.`).",
    example: "Ada L.",
  });

const readOnlyEmail = z.string().optional().openapi({
  description:
    "Read-only here (it is the e-mail the account signs in with): it may be sent back unchanged; a different value is refused.",
  example: "ada@example.com",
});

export const CustomerReplaceSchema = z
  .strictObject(
    {
      name: text(200).openapi({ example: "Ada Lovelace" }),
      displayName: orNull(DisplayNameSchema),
      email: readOnlyEmail,
      dateOfBirth: orNull(DateOfBirthSchema),
      country: orNull(CountryCodeSchema),
      region: orNull(RegionCodeSchema),
      preferences: PreferencesSchema.optional(),
    },
    strictFields("a customer profile"),
  )
  .check(regionInCountry)
  .transform(withFullRegion)
  .openapi("CustomerReplace", {
    description: "The whole profile: fields left out are cleared (preferences become empty).",
    example: {
      name: "Ada Lovelace",
      displayName: "Ada L.",
      dateOfBirth: "1985-04-12",
      country: "GB",
      region: "GB-SCT",
      preferences: { favouriteTypes: ["scotch"], flavourProfile: { smoky: 4 } },
    },
  });

export type CustomerReplace = z.output<typeof CustomerReplaceSchema>;

export const CustomerPatchSchema = z
  .strictObject(
    {
      name: text(200).optional(),
      displayName: orNull(DisplayNameSchema),
      email: readOnlyEmail,
      dateOfBirth: orNull(DateOfBirthSchema),
      country: orNull(CountryCodeSchema),
      region: orNull(RegionCodeSchema),
      preferences: orNull(PreferencesPatchSchema),
    },
    strictFields("a customer profile patch"),
  )
  .openapi("CustomerPatch", {
    description:
      "A JSON merge patch (RFC 7396): fields left out stay, `null` clears one, and `preferences` merges member by member.",
    example: { region: "GB-WLS", preferences: { favouriteTypes: ["bourbon", "rye"] } },
  });

export type CustomerPatch = z.output<typeof CustomerPatchSchema>;

export const CustomerSchema = z
  .object({
    id: z.string().openapi({ example: "cus_01hx4k7m2qa9c3r5t7v9wxyz" }),
    email: z.string().openapi({ example: "ada@example.com" }),
    emailVerified: z.boolean().openapi({
      description:
        "The address is proven (its link opened). Change it with `POST /auth/email`; a new link: `POST /auth/verify-email/resend`.",
    }),
    name: z.string().openapi({ example: "Ada Lovelace" }),
    displayName: z.string().nullable().openapi({
      description: "The name reviews show as the author; null shows initials of `name`.",
      example: "Ada L.",
    }),
    dateOfBirth: z.string().nullable().openapi({ example: "1985-04-12" }),
    country: z.string().nullable().openapi({ example: "GB" }),
    region: z.string().nullable().openapi({
      example: "GB-SCT",
      description:
        "ISO 3166-2 subdivision (`GB-SCT`). Null when none was given, or when the profile holds a region written before codes were required (a name such as `Scotland`): send a code to set it again.",
    }),
    preferences: PreferencesSchema,
    createdAt: z.string().openapi({ example: "2026-05-20T09:30:00.000Z" }),
    updatedAt: z.string().openapi({ example: "2026-05-20T09:30:00.000Z" }),
  })
  .openapi("Customer");

export type Customer = z.infer<typeof CustomerSchema>;

const idParam = (name: string, example: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name, in: "path" }, example });

export const CustomerIdParamsSchema = z.object({
  id: idParam("id", "me").openapi({ description: "A customer id, or `me` for the caller." }),
});

export const WishlistItemParamsSchema = CustomerIdParamsSchema.extend({
  spiritId: idParam("spiritId", "spr_01hx4k7m2qa9c3r5t7v9wxyz"),
});

export const WishlistSpiritSchema = z
  .object({
    id: z.string(),
    name: z.string().openapi({ example: "Port Ardnahoe 12 Year Old Cask Strength" }),
    brand: z.string(),
    type: z.enum(SPIRIT_TYPES),
    status: z.enum(SPIRIT_STATUSES),
    price: z.object({ amountMinor: z.number().int(), currency: z.string() }),
    imageUrl: z.string().nullable().openapi({ description: "The spirit's first image, if it has one." }),
  })
  .openapi("WishlistSpirit", { description: "A summary of the spirit; read it whole at `/spirits/{id}`." });

export type WishlistSpirit = z.infer<typeof WishlistSpiritSchema>;

export const WishlistItemSchema = z
  .object({
    spiritId: z.string().openapi({ example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    addedAt: z.string().openapi({ example: "2026-05-20T09:30:00.000Z" }),
    spirit: WishlistSpiritSchema.nullable(),
  })
  .openapi("WishlistItem");

export type WishlistItem = z.infer<typeof WishlistItemSchema>;

export const WishlistSchema = z
  .object({
    items: z.array(WishlistItemSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .openapi("Wishlist", { description: "Newest first." });

export const WishlistAddSchema = z
  .strictObject(
    { spiritId: z.string(must("a spirit id")).min(1, "must not be empty").max(100, "is not a spirit id") },
    strictFields("an object with spiritId"),
  )
  .openapi("WishlistAdd", { example: { spiritId: "spr_01hx4k7m2qa9c3r5t7v9wxyz" } });

export const WishlistQuerySchema = z.object(pageQueryShape({ defaultLimit: 50 }));
