import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./reviews.handlers.ts";
import * as routes from "./reviews.routes.ts";

/** Reviews of spirits, their moderation, and the rating they add up to. */
export const reviewsRouter = createRouter()
  .openapi(routes.listReviews, handlers.listReviews)
  .openapi(routes.listReviewQueue, handlers.listReviewQueue)
  .openapi(routes.createReview, handlers.createReview)
  .openapi(routes.getReview, handlers.getReview)
  .openapi(routes.updateReview, handlers.updateReview)
  .openapi(routes.deleteReview, handlers.deleteReview)
  .openapi(routes.moderateReview, handlers.moderateReview);
