import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./search.handlers.ts";
import * as routes from "./search.routes.ts";

/**
 * `GET /spirits` (mounted in place of the catalog's plain list, which it calls for plain listings) and
 * customers' search history.
 */
export const searchRouter = createRouter()
  .openapi(routes.listSpirits, handlers.listSpirits)
  .openapi(routes.getSearchHistory, handlers.getSearchHistory);

export { createSearchService, type SearchService } from "./search.service.ts";
