import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { cachedContent, cachedRead, NOT_MODIFIED } from "../../http/http-cache.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import { PageQuerySchema, SpiritIdParamsSchema } from "./catalog.schemas.ts";
import {
  SpiritVariantListSchema,
  SpiritVariantSchema,
  VariantIdParamsSchema,
  VariantInputSchema,
  VariantPatchSchema,
} from "./variants.schemas.ts";

const tags = ["Catalog"];
const staffOnly = [requireRole("staff", "admin")];

export const listVariants = createRoute({
  method: "get",
  path: "/spirits/{id}/variants",
  tags,
  summary: "List the sellable variants of a spirit, with price and stock",
  description:
    "The spirit's units other than its standard one (its own size and price): samples, gift boxes, other sizes, each with its own price and stock. Retired variants are listed for staff only.",
  ...access("public", { readsToken: true }),
  ...cachedRead("stock"),
  request: { params: SpiritIdParamsSchema, query: PageQuerySchema },
  responses: {
    200: cachedContent(SpiritVariantListSchema, "One page of variants, in the order they were added."),
    ...NOT_MODIFIED,
    ...problemResponses(401, 404, 422),
  },
});

export const createVariant = createRoute({
  method: "post",
  path: "/spirits/{id}/variants",
  tags,
  summary: "Add a sellable variant of a spirit (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema, ...jsonBody(VariantInputSchema) },
  responses: {
    201: {
      ...jsonContent(SpiritVariantSchema, "The variant as stored (no stock yet)."),
      headers: z.object({ Location: z.string().openapi({ description: "The URL of the created variant." }) }),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const patchVariant = createRoute({
  method: "patch",
  path: "/spirits/{id}/variants/{variantId}",
  tags,
  summary: "Change a variant, or retire it (staff)",
  description:
    "A JSON merge patch (RFC 7396), sent as `application/merge-patch+json` or `application/json`. A retired variant is no longer sold or received; orders and stock that name it stand.",
  ...access("staff"),
  middleware: staffOnly,
  request: {
    params: VariantIdParamsSchema,
    body: {
      required: true,
      content: {
        "application/merge-patch+json": { schema: VariantPatchSchema },
        "application/json": { schema: VariantPatchSchema },
      },
    },
  },
  responses: {
    200: jsonContent(SpiritVariantSchema, "The variant as stored, with its stock."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export type ListVariantsRoute = typeof listVariants;
export type CreateVariantRoute = typeof createVariant;
export type PatchVariantRoute = typeof patchVariant;
