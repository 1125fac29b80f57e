import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireOwnCustomer, requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import { dropEntryBudgets, routeRateLimit } from "../../http/route-rate-limit.ts";
import {
  CustomerParamsSchema,
  DrawResultSchema,
  DrawSchema,
  EntryInputSchema,
  EntryListQuerySchema,
  EntryListSchema,
  EntryParamsSchema,
  EntrySchema,
  StaffEntryListSchema,
  StaffEntryQuerySchema,
  VoidInputSchema,
} from "./ballot.schemas.ts";
import { ReleaseIdParamsSchema } from "./releases.schemas.ts";

const tags = ["Drops"];
const staffOnly = [requireRole("staff", "admin")];

export const enterBallot = createRoute({
  method: "post",
  path: "/releases/{id}/entries",
  tags,
  summary: "Enter a ballot (customer)",
  description:
    "One entry per customer and one per shipping address (normalised: `12 Rose Street` and `12 rose st.` at one postcode are the same), while the release is open. The release's rules, the legal age at the destination and whether the shop ships there are checked now and again when a winner's order is placed. Rate-limited per account and per client (`DROP_ENTRIES_PER_MINUTE_*`); when the shop requires it, `humanToken` must pass its anti-bot check.",
  ...access("customer"),
  middleware: [requireRole("customer"), routeRateLimit("drop entry", dropEntryBudgets)],
  request: { params: ReleaseIdParamsSchema, ...jsonBody(EntryInputSchema) },
  responses: {
    201: {
      ...jsonContent(EntrySchema, "The entry; its `hash` is how it appears in the published draw."),
      headers: z.object({
        Location: z
          .string()
          .openapi({ example: "/api/v1/releases/rel_01hx4k7m2qa9c3r5t7v9wxyz/entries/ent_01hx4k" }),
      }),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const withdrawBallotEntry = createRoute({
  method: "delete",
  path: "/releases/{id}/entries/{entryId}",
  tags,
  summary: "Withdraw my entry (customer)",
  description: "Until the ballot closes. The entry stays, `withdrawn`; the customer may enter again.",
  ...access("customer"),
  middleware: [requireRole("customer")],
  request: { params: EntryParamsSchema },
  responses: {
    200: jsonContent(EntrySchema, "The withdrawn entry."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 422),
  },
});

export const listBallotEntries = createRoute({
  method: "get",
  path: "/releases/{id}/entries",
  tags,
  summary: "A ballot's entries (staff)",
  description:
    "In id order, each with its customer, how many other live entries share its building (postcode and house number), how many other customers used its exact address in any ballot, and how many other customers paid with a card the entrant paid with (the provider's card fingerprint). `flagged=true` keeps only those.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: ReleaseIdParamsSchema, query: StaffEntryQuerySchema },
  responses: {
    200: jsonContent(StaffEntryListSchema, "One page of entries."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 422),
  },
});

export const voidBallotEntry = createRoute({
  method: "post",
  path: "/releases/{id}/entries/{entryId}/void",
  tags,
  summary: "Void an entry (staff)",
  description:
    "Removes an entry that has not been offered bottles (abuse, a duplicate account). It keeps blocking the customer and the address from entering again. Recorded in the audit log.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: EntryParamsSchema, ...jsonBody(VoidInputSchema) },
  responses: {
    200: jsonContent(EntrySchema, "The voided entry."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const drawBallot = createRoute({
  method: "post",
  path: "/releases/{id}/draw",
  tags,
  summary: "Draw a ballot now (staff)",
  description:
    "Once the window has closed (the server also draws by itself within a minute of the close). Reveals the seed, shuffles the entries, and places reserved orders for the winners: each has `claimMinutes` to pay, after which the bottles pass to the next entry in draw order.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: ReleaseIdParamsSchema },
  responses: {
    200: jsonContent(DrawResultSchema, "What was drawn; GET the same path for every entry's place."),
    ...problemResponses(...AUTH_ERRORS, 404, 409, 422),
  },
});

export const getBallotDraw = createRoute({
  method: "get",
  path: "/releases/{id}/draw",
  tags,
  summary: "The ballot's draw, for anyone to check",
  description:
    "Before the draw only the commitment (SHA-256 of the secret seed). After it: the seed, every entry's hash (SHA-256 of `entry:` + its id) in id order with its quantity, place and outcome, and the winners. `npm run verify-draw -- <url>` recomputes it.",
  ...access("public"),
  request: { params: ReleaseIdParamsSchema },
  responses: {
    200: jsonContent(DrawSchema, "The draw as published."),
    ...problemResponses(404, 409, 422),
  },
});

export const listMyBallotEntries = createRoute({
  method: "get",
  path: "/customers/{id}/ballot-entries",
  tags,
  summary: "A customer's ballot entries",
  description: "Newest first, in every ballot. A customer reaches only their own (`me`); staff reach any.",
  ...access("owner"),
  middleware: [requireRole(), requireOwnCustomer],
  request: { params: CustomerParamsSchema, query: EntryListQuerySchema },
  responses: {
    200: jsonContent(EntryListSchema, "One page of entries."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export type EnterBallotRoute = typeof enterBallot;
export type WithdrawBallotEntryRoute = typeof withdrawBallotEntry;
export type ListBallotEntriesRoute = typeof listBallotEntries;
export type VoidBallotEntryRoute = typeof voidBallotEntry;
export type DrawBallotRoute = typeof drawBallot;
export type GetBallotDrawRoute = typeof getBallotDraw;
export type ListMyBallotEntriesRoute = typeof listMyBallotEntries;
