import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import { dropEntryBudgets, routeRateLimit } from "../../http/route-rate-limit.ts";
import {
  QueueJoinSchema,
  QueuePlaceParamsSchema,
  QueuePlaceSchema,
  QueueVoidSchema,
  StaffQueueListSchema,
  StaffQueuePlaceSchema,
  StaffQueueQuerySchema,
} from "./queue.schemas.ts";
import { ReleaseIdParamsSchema } from "./releases.schemas.ts";

const tags = ["Drops"];
const staffOnly = [requireRole("staff", "admin")];
const customerOnly = [requireRole("customer")];

export const joinQueue = createRoute({
  method: "post",
  path: "/releases/{id}/queue",
  tags,
  summary: "Join a release's waiting room (customer)",
  description:
    "One place per customer, any time before the release closes; the release's rules are checked now and again when the order is placed. Everyone who joins before `opensAt` is shuffled into a random order at the opening (arriving first among them wins nothing); later arrivals go to the back in arrival order. Buyers are admitted in line order in batches sized to what is left of the allocation; an admitted buyer has the release's `admissionMinutes` to place one order with the `Admission-Token` header, after which the admission passes to the next in line. The place is pushed over the customer's notifications socket (`type: queue`) when it changes, and readable at `GET .../queue/me`. Rate-limited per account and per client (`DROP_ENTRIES_PER_MINUTE_*`); when the shop requires it, `humanToken` must pass its anti-bot check.",
  ...access("customer"),
  middleware: [...customerOnly, routeRateLimit("queue join", dropEntryBudgets)],
  request: { params: ReleaseIdParamsSchema, ...jsonBody(QueueJoinSchema) },
  responses: {
    201: {
      ...jsonContent(QueuePlaceSchema, "The caller's place."),
      headers: z.object({
        Location: z.string().openapi({ example: "/api/v1/releases/rel_01hx4k7m2qa9c3r5t7v9wxyz/queue/me" }),
      }),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const getMyQueuePlace = createRoute({
  method: "get",
  path: "/releases/{id}/queue/me",
  tags,
  summary: "My place in the waiting room (customer)",
  description:
    "Position, how many wait ahead, the state, and while admitted the admission token and its expiry. Poll it, or listen on the notifications socket.",
  ...access("customer"),
  middleware: customerOnly,
  request: { params: ReleaseIdParamsSchema },
  responses: {
    200: jsonContent(QueuePlaceSchema, "The caller's latest place in this release's queue."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 422),
  },
});

export const leaveQueue = createRoute({
  method: "delete",
  path: "/releases/{id}/queue/me",
  tags,
  summary: "Leave the waiting room (customer)",
  description:
    "A waiting or admitted place becomes `left`; an admission not used passes to the next in line. Joining again goes to the back.",
  ...access("customer"),
  middleware: customerOnly,
  request: { params: ReleaseIdParamsSchema },
  responses: {
    200: jsonContent(QueuePlaceSchema, "The place, left."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 422),
  },
});

export const listQueuePlaces = createRoute({
  method: "get",
  path: "/releases/{id}/queue",
  tags,
  summary: "A waiting room's places (staff)",
  description: "In arrival order, each with its customer, position, status and admission.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: ReleaseIdParamsSchema, query: StaffQueueQuerySchema },
  responses: {
    200: jsonContent(StaffQueueListSchema, "One page of places."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 422),
  },
});

export const voidQueuePlace = createRoute({
  method: "post",
  path: "/releases/{id}/queue/{placeId}/void",
  tags,
  summary: "Void a place in the waiting room (staff)",
  description:
    "Removes a waiting or admitted place (abuse, a duplicate account); an admission not used passes on. It keeps the customer from joining again. Recorded in the audit log.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: QueuePlaceParamsSchema, ...jsonBody(QueueVoidSchema) },
  responses: {
    200: jsonContent(StaffQueuePlaceSchema, "The voided place."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export type JoinQueueRoute = typeof joinQueue;
export type GetMyQueuePlaceRoute = typeof getMyQueuePlace;
export type LeaveQueueRoute = typeof leaveQueue;
export type ListQueuePlacesRoute = typeof listQueuePlaces;
export type VoidQueuePlaceRoute = typeof voidQueuePlace;
