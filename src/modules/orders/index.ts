import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./orders.handlers.ts";
import * as routes from "./orders.routes.ts";

export const ordersRouter = createRouter()
  .openapi(routes.createOrder, handlers.createOrder)
  .openapi(routes.listOrders, handlers.listOrders)
  .openapi(routes.getOrder, handlers.getOrder)
  .openapi(routes.confirmOrder, handlers.confirmOrder)
  .openapi(routes.cancelOrder, handlers.cancelOrder)
  .openapi(routes.shipOrder, handlers.shipOrder)
  .openapi(routes.releasePreorders, handlers.releasePreorders);

export type { OrdersPorts } from "./orders.ports.ts";
export { createOrdersService, type OrdersService } from "./orders.service.ts";
