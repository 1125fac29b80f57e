import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./insights.handlers.ts";
import * as routes from "./insights.routes.ts";

export const insightsRouter = createRouter()
  .openapi(routes.getDemandInsight, handlers.getDemandInsight)
  .openapi(routes.getPriceSuggestion, handlers.getPriceSuggestion)
  .openapi(routes.recordPriceDecision, handlers.recordPriceDecision)
  .openapi(routes.listPriceDecisions, handlers.listPriceDecisions);
