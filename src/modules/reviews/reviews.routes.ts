import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { cachedContent, cachedRead, NOT_MODIFIED } from "../../http/http-cache.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  ModerationInputSchema,
  ReviewInputSchema,
  ReviewListQuerySchema,
  ReviewListSchema,
  ReviewParamsSchema,
  ReviewQueueQuerySchema,
  ReviewQueueSchema,
  ReviewSchema,
  SpiritParamsSchema,
} from "./reviews.schemas.ts";

const tags = ["Reviews"];

export const listReviews = createRoute({
  method: "get",
  path: "/spirits/{id}/reviews",
  tags,
  summary: "List a spirit's reviews, newest first",
  description: "Approved reviews for everyone; staff can list `pending` or `rejected` ones to moderate them.",
  ...access("public", { readsToken: true }),
  ...cachedRead("catalog"),
  request: { params: SpiritParamsSchema, query: ReviewListQuerySchema },
  responses: {
    200: cachedContent(ReviewListSchema, "One page of reviews."),
    ...NOT_MODIFIED,
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const listReviewQueue = createRoute({
  method: "get",
  path: "/reviews",
  tags,
  summary: "The moderation queue: reviews across spirits, oldest first (staff)",
  description:
    "`pending` reviews by default; `status` lists approved or rejected ones instead, `spiritId` one spirit's. Decide each with its `moderation` operation.",
  ...access("staff"),
  middleware: [requireRole("staff", "admin")],
  request: { query: ReviewQueueQuerySchema },
  responses: {
    200: jsonContent(ReviewQueueSchema, "One page of the queue."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export const createReview = createRoute({
  method: "post",
  path: "/spirits/{id}/reviews",
  tags,
  summary: "Review a spirit (customers; one review each)",
  ...access("customer"),
  middleware: [requireRole("customer")],
  request: { params: SpiritParamsSchema, ...jsonBody(ReviewInputSchema) },
  responses: {
    201: {
      ...jsonContent(ReviewSchema, "The review, `approved` or `pending` as the rules decided."),
      headers: z.object({ Location: z.string() }),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const getReview = createRoute({
  method: "get",
  path: "/spirits/{id}/reviews/{reviewId}",
  tags,
  summary: "Read a review (unapproved ones only by their author and staff)",
  ...access("public", { readsToken: true }),
  ...cachedRead("catalog"),
  request: { params: ReviewParamsSchema },
  responses: {
    200: cachedContent(ReviewSchema, "The review."),
    ...NOT_MODIFIED,
    ...problemResponses(401, 404),
  },
});

export const updateReview = createRoute({
  method: "put",
  path: "/spirits/{id}/reviews/{reviewId}",
  tags,
  summary: "Change a review (its author or staff)",
  description: "The edited review goes through the moderation rules again.",
  ...access("owner"),
  middleware: [requireRole()],
  request: { params: ReviewParamsSchema, ...jsonBody(ReviewInputSchema) },
  responses: {
    200: jsonContent(ReviewSchema, "The review as stored."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404),
  },
});

export const deleteReview = createRoute({
  method: "delete",
  path: "/spirits/{id}/reviews/{reviewId}",
  tags,
  summary: "Delete a review (its author or staff)",
  ...access("owner"),
  middleware: [requireRole()],
  request: { params: ReviewParamsSchema },
  responses: {
    204: { description: "Deleted; the spirit's rating no longer counts it." },
    ...problemResponses(...AUTH_ERRORS, 404),
  },
});

export const moderateReview = createRoute({
  method: "post",
  path: "/spirits/{id}/reviews/{reviewId}/moderation",
  operationId: "moderateReview",
  tags,
  summary: "Approve or reject a review (staff)",
  ...access("staff"),
  middleware: [requireRole("staff", "admin")],
  request: { params: ReviewParamsSchema, ...jsonBody(ModerationInputSchema) },
  responses: {
    200: jsonContent(ReviewSchema, "The review after the decision."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404),
  },
});

export type ListReviewsRoute = typeof listReviews;
export type ListReviewQueueRoute = typeof listReviewQueue;
export type CreateReviewRoute = typeof createReview;
export type GetReviewRoute = typeof getReview;
export type UpdateReviewRoute = typeof updateReview;
export type DeleteReviewRoute = typeof deleteReview;
export type ModerateReviewRoute = typeof moderateReview;
