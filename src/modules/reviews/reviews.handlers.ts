import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf } from "../../http/auth.ts";
import type {
  CreateReviewRoute,
  DeleteReviewRoute,
  GetReviewRoute,
  ListReviewQueueRoute,
  ListReviewsRoute,
  ModerateReviewRoute,
  UpdateReviewRoute,
} from "./reviews.routes.ts";

export const listReviews: RouteHandler<ListReviewsRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(
    await c.get("services").reviews.listReviews(id, c.req.valid("query"), c.get("principal")),
    200,
  );
};

export const listReviewQueue: RouteHandler<ListReviewQueueRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").reviews.listReviewQueue(c.req.valid("query"), principalOf(c)), 200);

export const createReview: RouteHandler<CreateReviewRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const review = await c.get("services").reviews.createReview(id, principalOf(c), c.req.valid("json"));
  return c.json(review, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${review.id}` });
};

export const getReview: RouteHandler<GetReviewRoute, AppEnv> = async (c) => {
  const { id, reviewId } = c.req.valid("param");
  return c.json(await c.get("services").reviews.getReview(id, reviewId, c.get("principal")), 200);
};

export const updateReview: RouteHandler<UpdateReviewRoute, AppEnv> = async (c) => {
  const { id, reviewId } = c.req.valid("param");
  return c.json(
    await c.get("services").reviews.updateReview(id, reviewId, principalOf(c), c.req.valid("json")),
    200,
  );
};

export const deleteReview: RouteHandler<DeleteReviewRoute, AppEnv> = async (c) => {
  const { id, reviewId } = c.req.valid("param");
  await c.get("services").reviews.deleteReview(id, reviewId, principalOf(c));
  return c.body(null, 204);
};

export const moderateReview: RouteHandler<ModerateReviewRoute, AppEnv> = async (c) => {
  const { id, reviewId } = c.req.valid("param");
  return c.json(
    await c.get("services").reviews.moderateReview(id, reviewId, principalOf(c), c.req.valid("json")),
    200,
  );
};
