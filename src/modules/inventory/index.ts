import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./inventory.handlers.ts";
import * as routes from "./inventory.routes.ts";
import * as csvHandlers from "./stock-csv.handlers.ts";
import * as csvRoutes from "./stock-csv.routes.ts";

// The audit and CSV paths come first: `/inventory/audits` must not be read as a spirit id.
export const inventoryRouter = createRouter()
  .openapi(csvRoutes.exportStock, csvHandlers.exportStock)
  .openapi(csvRoutes.importStock, csvHandlers.importStock)
  .openapi(routes.runAudit, handlers.runAudit)
  .openapi(routes.listAudits, handlers.listAudits)
  .openapi(routes.getAudit, handlers.getAudit)
  .openapi(routes.getInventory, handlers.getInventory)
  .openapi(routes.changeInventory, handlers.changeInventory)
  .openapi(routes.listMovements, handlers.listMovements);

export { createInventoryService, type InventoryPorts, type InventoryService } from "./inventory.service.ts";
