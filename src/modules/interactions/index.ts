import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./interactions.handlers.ts";
import * as routes from "./interactions.routes.ts";

/** Behaviour signals and purchase history of a customer. */
export const interactionsRouter = createRouter()
  .openapi(routes.recordInteractions, handlers.recordInteractions)
  .openapi(routes.listInteractions, handlers.listInteractions)
  .openapi(routes.listPurchases, handlers.listPurchases);
