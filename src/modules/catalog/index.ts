import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./catalog.handlers.ts";
import * as routes from "./catalog.routes.ts";

/**
 * `GET /spirits` on its own router, so the search module can mount its richer list (q, facets, sorts)
 * in its place without touching the rest of the catalog.
 */
export const spiritListRouter = createRouter().openapi(routes.listSpirits, handlers.listSpirits);

/** Everything else in the catalog: one spirit, and batches. */
export const catalogRouter = createRouter()
  .openapi(routes.createSpirit, handlers.createSpirit)
  .openapi(routes.getSpirit, handlers.getSpirit)
  .openapi(routes.replaceSpirit, handlers.replaceSpirit)
  .openapi(routes.patchSpirit, handlers.patchSpirit)
  .openapi(routes.deleteSpirit, handlers.deleteSpirit)
  .openapi(routes.listBatches, handlers.listBatches)
  .openapi(routes.createBatch, handlers.createBatch)
  .openapi(routes.getBatch, handlers.getBatch)
  .openapi(routes.replaceBatch, handlers.replaceBatch);

export { listSpirits as listSpiritsHandler } from "./catalog.handlers.ts";
export { listSpirits as listSpiritsRoute } from "./catalog.routes.ts";
export {
  checkPriceRange,
  SpiritListQuerySchema,
  SpiritListSchema,
  SpiritSchema,
  spiritListQueryShape,
} from "./catalog.schemas.ts";
