import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  SpiritIdParamsSchema,
  StaffWaitlistListSchema,
  StaffWaitlistQuerySchema,
  WaitlistEntrySchema,
  WaitlistJoinSchema,
} from "./waitlists.schemas.ts";

const tags = ["Waitlists"];
const staffOnly = [requireRole("staff", "admin")];
const customerOnly = [requireRole("customer")];

export const joinWaitlist = createRoute({
  method: "post",
  path: "/spirits/{id}/waitlist",
  tags,
  summary: "Join a sold-out spirit's waitlist (customer)",
  description:
    "Only while the spirit cannot be bought (otherwise 409 `in-stock`: order it instead), for at most its per-customer limit, and only to an address the shop may ship spirits to (age and region are checked now and again when the order is placed). One live entry per customer and spirit. When bottles are freed (a cancellation, a lapsed hold, a receipt) they are kept for the line: ordinary orders cannot take them, and the first entry in line gets an order reserved for it (the `waitlist.offered` event and notification), with a payment window; an offer not paid in time passes to the next entry.",
  ...access("customer"),
  middleware: customerOnly,
  request: { params: SpiritIdParamsSchema, ...jsonBody(WaitlistJoinSchema) },
  responses: {
    201: {
      ...jsonContent(WaitlistEntrySchema, "The caller's entry, with its place in line."),
      headers: z.object({
        Location: z.string().openapi({ example: "/api/v1/spirits/spr_01hx4k7m2qa9c3r5t7v9wxyz/waitlist/me" }),
      }),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const getMyWaitlistEntry = createRoute({
  method: "get",
  path: "/spirits/{id}/waitlist/me",
  tags,
  summary: "My entry on a spirit's waitlist (customer)",
  description:
    "The caller's latest entry: its place in line while waiting, or its offer and what became of it.",
  ...access("customer"),
  middleware: customerOnly,
  request: { params: SpiritIdParamsSchema },
  responses: {
    200: jsonContent(WaitlistEntrySchema, "The caller's latest entry on this spirit's waitlist."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const withdrawFromWaitlist = createRoute({
  method: "delete",
  path: "/spirits/{id}/waitlist/me",
  tags,
  summary: "Leave a spirit's waitlist (customer)",
  description:
    "A waiting entry becomes `withdrawn` and its earmark goes. An offered entry's bottles are in its order: cancel the order instead (409).",
  ...access("customer"),
  middleware: customerOnly,
  request: { params: SpiritIdParamsSchema },
  responses: {
    200: jsonContent(WaitlistEntrySchema, "The entry, withdrawn."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 422),
  },
});

export const listWaitlist = createRoute({
  method: "get",
  path: "/spirits/{id}/waitlist",
  tags,
  summary: "A spirit's waitlist (staff)",
  description:
    "Every entry in line order, with its customer, its place while in line, its state and its offer.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema, query: StaffWaitlistQuerySchema },
  responses: {
    200: jsonContent(StaffWaitlistListSchema, "One page of entries."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export type JoinWaitlistRoute = typeof joinWaitlist;
export type GetMyWaitlistEntryRoute = typeof getMyWaitlistEntry;
export type WithdrawFromWaitlistRoute = typeof withdrawFromWaitlist;
export type ListWaitlistRoute = typeof listWaitlist;
