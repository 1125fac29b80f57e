import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  LocationIdParamsSchema,
  LocationInputSchema,
  LocationListQuerySchema,
  LocationListSchema,
  LocationSchema,
} from "./locations.schemas.ts";

const tags = ["Locations"];
const staffOnly = [requireRole("staff", "admin")];

export const listLocations = createRoute({
  method: "get",
  path: "/locations",
  tags,
  summary: "List warehouses and retail points (staff)",
  description: "By name. Filter by `kind` and `active`; pages with `limit` and `cursor`.",
  ...access("staff"),
  middleware: staffOnly,
  request: { query: LocationListQuerySchema },
  responses: {
    200: jsonContent(LocationListSchema, "One page of locations."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export const createLocation = createRoute({
  method: "post",
  path: "/locations",
  tags,
  summary: "Add a location (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: jsonBody(LocationInputSchema),
  responses: {
    201: {
      ...jsonContent(LocationSchema, "The new location."),
      headers: z.object({
        Location: z.string().openapi({ example: "/api/v1/locations/loc_01hx4k7m2qa9c3r5t7v9wxyz" }),
      }),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS),
  },
});

export const getLocation = createRoute({
  method: "get",
  path: "/locations/{id}",
  tags,
  summary: "Read a location (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: LocationIdParamsSchema },
  responses: {
    200: jsonContent(LocationSchema, "The location."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const replaceLocation = createRoute({
  method: "put",
  path: "/locations/{id}",
  tags,
  summary: "Replace a location (staff)",
  description:
    "Every field is replaced (omitted `region` becomes null, omitted `active` becomes true). Deactivating a " +
    "location keeps its stock and history; it simply serves no destination until it is active again.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: LocationIdParamsSchema, ...jsonBody(LocationInputSchema) },
  responses: {
    200: jsonContent(LocationSchema, "The location as it is now."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404),
  },
});

export type ListLocationsRoute = typeof listLocations;
export type CreateLocationRoute = typeof createLocation;
export type GetLocationRoute = typeof getLocation;
export type ReplaceLocationRoute = typeof replaceLocation;
