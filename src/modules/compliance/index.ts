import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./compliance.handlers.ts";
import * as routes from "./compliance.routes.ts";

export const complianceRouter = createRouter()
  .openapi(routes.getRules, handlers.getRules)
  .openapi(routes.putAgeLimit, handlers.putAgeLimit)
  .openapi(routes.deleteAgeLimit, handlers.deleteAgeLimit)
  .openapi(routes.putBlockedDestination, handlers.putBlockedDestination)
  .openapi(routes.deleteBlockedDestination, handlers.deleteBlockedDestination);

export {
  type ComplianceService,
  createComplianceService,
  DEFAULT_MINIMUM_AGE,
  type PurchaseCheck,
  type PurchaseVerdict,
} from "./compliance.service.ts";
