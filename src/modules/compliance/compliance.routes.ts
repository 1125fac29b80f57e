import { createRoute } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  AgeLimitInputSchema,
  AgeLimitSchema,
  BlockedDestinationInputSchema,
  BlockedDestinationSchema,
  ComplianceRulesSchema,
  PlaceCodeParamsSchema,
} from "./compliance.schemas.ts";

const tags = ["Compliance"];
const staffOnly = [requireRole("staff", "admin")];

export const getRules = createRoute({
  method: "get",
  path: "/compliance/rules",
  tags,
  summary: "Legal age and shipping rules",
  ...access("public"),
  description:
    "Public. An order is refused when its destination is blocked (403 `destination-blocked`), when the " +
    "customer has no date of birth (422 `date-of-birth-required`), or when they are younger than the " +
    "destination's minimum age (403 `under-legal-age`, with `minimumAge`). A subdivision's age limit wins " +
    "over its country's; a country without one uses `defaultMinimumAge`. Ages count by the UTC date.",
  responses: {
    200: jsonContent(ComplianceRulesSchema, "Every age limit and blocked destination."),
    ...problemResponses(),
  },
});

export const putAgeLimit = createRoute({
  method: "put",
  path: "/compliance/age-limits/{code}",
  operationId: "setAgeLimit",
  tags,
  summary: "Set the minimum age for a country or subdivision (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: PlaceCodeParamsSchema, ...jsonBody(AgeLimitInputSchema) },
  responses: {
    200: jsonContent(AgeLimitSchema, "The limit was replaced (or was already so)."),
    201: jsonContent(AgeLimitSchema, "The limit is new."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS),
  },
});

export const deleteAgeLimit = createRoute({
  method: "delete",
  path: "/compliance/age-limits/{code}",
  operationId: "removeAgeLimit",
  tags,
  summary: "Remove an age limit (staff)",
  description: "The place then follows its country's limit, or the default.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: PlaceCodeParamsSchema },
  responses: {
    204: { description: "Removed." },
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const putBlockedDestination = createRoute({
  method: "put",
  path: "/compliance/blocked-destinations/{code}",
  operationId: "blockDestination",
  tags,
  summary: "Stop shipping spirits to a country or subdivision (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: PlaceCodeParamsSchema, ...jsonBody(BlockedDestinationInputSchema) },
  responses: {
    200: jsonContent(BlockedDestinationSchema, "The block was updated (or was already so)."),
    201: jsonContent(BlockedDestinationSchema, "The destination is newly blocked."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS),
  },
});

export const deleteBlockedDestination = createRoute({
  method: "delete",
  path: "/compliance/blocked-destinations/{code}",
  operationId: "unblockDestination",
  tags,
  summary: "Ship spirits to a destination again (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: PlaceCodeParamsSchema },
  responses: {
    204: { description: "Unblocked." },
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export type GetRulesRoute = typeof getRules;
export type PutAgeLimitRoute = typeof putAgeLimit;
export type DeleteAgeLimitRoute = typeof deleteAgeLimit;
export type PutBlockedDestinationRoute = typeof putBlockedDestination;
export type DeleteBlockedDestinationRoute = typeof deleteBlockedDestination;
