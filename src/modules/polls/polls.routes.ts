import { createRoute } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireOwnCustomer, requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  AnswerInputSchema,
  AnswerSchema,
  CustomerIdParamsSchema,
  CustomerPollListSchema,
  ModerationInputSchema,
  PollAnswerParamsSchema,
  PollIdParamsSchema,
  PollInputSchema,
  PollListQuerySchema,
  PollListSchema,
  PollPatchSchema,
  PollResultsSchema,
  PollSchema,
} from "./polls.schemas.ts";

const tags = ["Polls"];
const staffOnly = [requireRole("staff", "admin")];

export const listPolls = createRoute({
  method: "get",
  path: "/polls",
  tags,
  summary: "List polls (staff)",
  description: "Newest opening first, every state.",
  ...access("staff"),
  middleware: staffOnly,
  request: { query: PollListQuerySchema },
  responses: {
    200: jsonContent(PollListSchema, "One page of polls."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export const createPoll = createRoute({
  method: "post",
  path: "/polls",
  tags,
  summary: "Create a poll (staff)",
  description:
    "About a spirit, a release or a theme; single or multiple choice, a 1–5 scale, or short free text; for an audience, between opensAt and closesAt.",
  ...access("staff"),
  middleware: staffOnly,
  request: jsonBody(PollInputSchema),
  responses: {
    201: jsonContent(PollSchema, "The new poll."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS),
  },
});

export const getPoll = createRoute({
  method: "get",
  path: "/polls/{id}",
  tags,
  summary: "Read a poll (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: PollIdParamsSchema },
  responses: {
    200: jsonContent(PollSchema, "The poll."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const patchPoll = createRoute({
  method: "patch",
  path: "/polls/{id}",
  tags,
  summary: "Change a poll (staff)",
  description: "Question, audience and opening until it opens; the title and closing time always.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: PollIdParamsSchema, ...jsonBody(PollPatchSchema) },
  responses: {
    200: jsonContent(PollSchema, "The poll as it is now."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const getPollResults = createRoute({
  method: "get",
  path: "/polls/{id}/results",
  tags,
  summary: "A poll's results (staff)",
  description:
    "Counts per option, the scale's spread and mean, free texts with their moderation, and the response rate against the audience as it is now.",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: PollIdParamsSchema },
  responses: {
    200: jsonContent(PollResultsSchema, "The results so far."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const moderatePollAnswer = createRoute({
  method: "patch",
  path: "/polls/{id}/answers/{answerId}",
  tags,
  summary: "Approve or reject a free-text answer (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: PollAnswerParamsSchema, ...jsonBody(ModerationInputSchema) },
  responses: {
    200: jsonContent(AnswerSchema, "The answer with its new status."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const answerPoll = createRoute({
  method: "put",
  path: "/polls/{id}/answer",
  tags,
  summary: "Answer a poll, or change my answer (customer)",
  description:
    "One answer per customer: the first is 201, a change while the poll is open 200. Only customers in the poll's audience may answer (403 `not-in-audience`); outside its window it is 409 `poll-closed`.",
  ...access("customer"),
  middleware: [requireRole("customer")],
  request: { params: PollIdParamsSchema, ...jsonBody(AnswerInputSchema) },
  responses: {
    200: jsonContent(AnswerSchema, "The changed answer."),
    201: jsonContent(AnswerSchema, "The answer."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const listCustomerPolls = createRoute({
  method: "get",
  path: "/customers/{id}/polls",
  tags,
  summary: "The open polls meant for a customer",
  description:
    "Closing soonest first, each with the customer's answer if they gave one. A customer reaches only their own (`me`); staff and admins reach any.",
  ...access("owner"),
  middleware: [requireRole(), requireOwnCustomer],
  request: { params: CustomerIdParamsSchema },
  responses: {
    200: jsonContent(CustomerPollListSchema, "The polls."),
    ...problemResponses(401, 404, 422),
  },
});

export type ListPollsRoute = typeof listPolls;
export type CreatePollRoute = typeof createPoll;
export type GetPollRoute = typeof getPoll;
export type PatchPollRoute = typeof patchPoll;
export type GetPollResultsRoute = typeof getPollResults;
export type ModeratePollAnswerRoute = typeof moderatePollAnswer;
export type AnswerPollRoute = typeof answerPoll;
export type ListCustomerPollsRoute = typeof listCustomerPolls;
