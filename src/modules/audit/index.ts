import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./audit.handlers.ts";
import * as routes from "./audit.routes.ts";

export const auditRouter = createRouter().openapi(routes.verifyAuditLog, handlers.verifyAuditLog);
