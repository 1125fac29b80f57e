import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  EligibilityResultSchema,
  ReleaseIdParamsSchema,
  ReleaseInputSchema,
  ReleaseListQuerySchema,
  ReleaseListSchema,
  ReleasePatchSchema,
  ReleaseSchema,
} from "./releases.schemas.ts";

const tags = ["Drops"];
const staffOnly = [requireRole("staff", "admin")];

export const listReleases = createRoute({
  method: "get",
  path: "/releases",
  tags,
  summary: "List releases (drops)",
  description: "By opening time. Each release's `state` is derived from the clock and the stock left.",
  ...access("public"),
  request: { query: ReleaseListQuerySchema },
  responses: {
    200: jsonContent(ReleaseListSchema, "One page of releases."),
    ...problemResponses(422),
  },
});

export const createRelease = createRoute({
  method: "post",
  path: "/releases",
  tags,
  summary: "Schedule a release (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: jsonBody(ReleaseInputSchema),
  responses: {
    201: {
      ...jsonContent(ReleaseSchema, "The new release."),
      headers: z.object({
        Location: z.string().openapi({ example: "/api/v1/releases/rel_01hx4k7m2qa9c3r5t7v9wxyz" }),
      }),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS),
  },
});

export const getRelease = createRoute({
  method: "get",
  path: "/releases/{id}",
  tags,
  summary: "Read a release",
  ...access("public"),
  request: { params: ReleaseIdParamsSchema },
  responses: {
    200: jsonContent(ReleaseSchema, "The release."),
    ...problemResponses(404, 422),
  },
});

export const patchRelease = createRoute({
  method: "patch",
  path: "/releases/{id}",
  tags,
  summary: "Change a release (staff)",
  description: "Window, allocation, limit and rules may change until the release opens; the name always.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: ReleaseIdParamsSchema, ...jsonBody(ReleasePatchSchema) },
  responses: {
    200: jsonContent(ReleaseSchema, "The release as it is now."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const checkReleaseEligibility = createRoute({
  method: "get",
  path: "/releases/{id}/eligibility",
  tags,
  summary: "May I take part? (customer)",
  description: "The release's rules applied to the caller now; `rule` names the first one that fails.",
  ...access("customer"),
  middleware: [requireRole("customer")],
  request: { params: ReleaseIdParamsSchema },
  responses: {
    200: jsonContent(EligibilityResultSchema, "Whether the caller is eligible, and if not why."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export type ListReleasesRoute = typeof listReleases;
export type CreateReleaseRoute = typeof createRelease;
export type GetReleaseRoute = typeof getRelease;
export type PatchReleaseRoute = typeof patchRelease;
export type CheckReleaseEligibilityRoute = typeof checkReleaseEligibility;
