import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./recommendations.handlers.ts";
import * as routes from "./recommendations.routes.ts";

export const recommendationsRouter = createRouter().openapi(
  routes.getRecommendations,
  handlers.getRecommendations,
);

export { personalizeListing } from "./personalize-listing.ts";
export { startRecommendationWorker } from "./worker.ts";
