import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./webhooks.handlers.ts";
import * as routes from "./webhooks.routes.ts";

export const webhooksRouter = createRouter()
  .openapi(routes.listEndpoints, handlers.listEndpoints)
  .openapi(routes.createEndpoint, handlers.createEndpoint)
  .openapi(routes.getEndpoint, handlers.getEndpoint)
  .openapi(routes.updateEndpoint, handlers.updateEndpoint)
  .openapi(routes.deleteEndpoint, handlers.deleteEndpoint)
  .openapi(routes.rotateSecret, handlers.rotateSecret)
  .openapi(routes.listDeliveries, handlers.listDeliveries)
  .openapi(routes.redeliver, handlers.redeliver)
  .openapi(routes.sendTestEvent, handlers.sendTestEvent);
