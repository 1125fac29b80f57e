import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./catalog.handlers.ts";
import * as routes from "./catalog.routes.ts";
import * as csvHandlers from "./catalog-csv.handlers.ts";
import * as csvRoutes from "./catalog-csv.routes.ts";
import * as variantHandlers from "./variants.handlers.ts";
import * as variantRoutes from "./variants.routes.ts";

/** The catalog's spirits, batches and variants (`GET /spirits` is the search module's route). */
export const catalogRouter = createRouter()
  // Before `/spirits/{id}`, which would read `export.csv` as an id.
  .openapi(csvRoutes.exportSpirits, csvHandlers.exportSpirits)
  .openapi(csvRoutes.importSpirits, csvHandlers.importSpirits)
  .openapi(routes.createSpirit, handlers.createSpirit)
  .openapi(routes.getSpirit, handlers.getSpirit)
  .openapi(routes.replaceSpirit, handlers.replaceSpirit)
  .openapi(routes.patchSpirit, handlers.patchSpirit)
  .openapi(routes.deleteSpirit, handlers.deleteSpirit)
  .openapi(routes.listBatches, handlers.listBatches)
  .openapi(routes.createBatch, handlers.createBatch)
  .openapi(routes.getBatch, handlers.getBatch)
  .openapi(routes.replaceBatch, handlers.replaceBatch)
  .openapi(variantRoutes.listVariants, variantHandlers.listVariants)
  .openapi(variantRoutes.createVariant, variantHandlers.createVariant)
  .openapi(variantRoutes.patchVariant, variantHandlers.patchVariant);

export {
  checkPriceRange,
  SpiritListItemSchema,
  SpiritListQuerySchema,
  SpiritListSchema,
  SpiritSchema,
  spiritListQueryShape,
} from "./catalog.schemas.ts";
