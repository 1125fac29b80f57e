/**
 * Reviews of spirits, bound to one context. Each operation lives in the file of its concern, as a plain
 * function taking the context: review-views.ts (what a viewer may see), review-changes.ts (an author's
 * writes), review-moderation.ts (staff's queue and decisions), review-publication.ts (the rating recount
 * every write carries, and review.published), moderation-rules.ts (the automatic first pass).
 */
import type { ReviewStatus } from "../../db/schema/reviews.ts";
import type { Deps } from "../../deps.ts";
import type { Principal } from "../../http/auth.ts";
import { createModerationRules } from "./moderation-rules.ts";
import { createReview, deleteReview, type ReviewInput, updateReview } from "./review-changes.ts";
import {
  listReviewQueue,
  type ModerationDecision,
  moderateReview,
  type ReviewQueueQuery,
} from "./review-moderation.ts";
import { recountRating } from "./review-publication.ts";
import { getReview, listReviews, type Review } from "./review-views.ts";
import type { ReviewsContext, ReviewsPorts } from "./reviews.context.ts";

export type { ModerationDecision, Review, ReviewInput, ReviewQueueQuery, ReviewsPorts };

export function createReviewsService(deps: Deps, ports: ReviewsPorts) {
  const ctx: ReviewsContext = {
    deps,
    ports,
    moderate: createModerationRules(deps.config.REVIEW_BANNED_WORDS),
  };
  return {
    /** The automatic first pass over free text, for other modules' texts that are moderated like reviews. */
    moderate: ctx.moderate,
    /** The statement that counts a spirit's rating again from its approved reviews (for erasure's batch). */
    recountRating: (spiritId: string) => recountRating(deps, spiritId),
    listReviews: (
      spiritId: string,
      params: { limit: number; cursor?: string | undefined; status?: ReviewStatus | undefined },
      viewer: Principal | undefined,
    ) => listReviews(ctx, spiritId, params, viewer),
    listReviewQueue: (query: ReviewQueueQuery, staff: Principal) => listReviewQueue(ctx, query, staff),
    getReview: (spiritId: string, reviewId: string, viewer: Principal | undefined) =>
      getReview(ctx, spiritId, reviewId, viewer),
    createReview: (spiritId: string, author: Principal, input: ReviewInput) =>
      createReview(ctx, spiritId, author, input),
    updateReview: (spiritId: string, reviewId: string, actor: Principal, input: ReviewInput) =>
      updateReview(ctx, spiritId, reviewId, actor, input),
    deleteReview: (spiritId: string, reviewId: string, actor: Principal) =>
      deleteReview(ctx, spiritId, reviewId, actor),
    moderateReview: (spiritId: string, reviewId: string, staff: Principal, decision: ModerationDecision) =>
      moderateReview(ctx, spiritId, reviewId, staff, decision),
  };
}

export type ReviewsService = ReturnType<typeof createReviewsService>;
