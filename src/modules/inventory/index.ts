import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./inventory.handlers.ts";
import * as routes from "./inventory.routes.ts";

// The audit paths come first: `/inventory/audits` must not be read as a spirit id.
export const inventoryRouter = createRouter()
  .openapi(routes.runAudit, handlers.runAudit)
  .openapi(routes.listAudits, handlers.listAudits)
  .openapi(routes.getAudit, handlers.getAudit)
  .openapi(routes.getInventory, handlers.getInventory)
  .openapi(routes.changeInventory, handlers.changeInventory)
  .openapi(routes.listMovements, handlers.listMovements);

export { createInventoryService, type InventoryPorts, type InventoryService } from "./inventory.service.ts";
