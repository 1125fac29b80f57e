import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./orders.handlers.ts";
import * as routes from "./orders.routes.ts";
import * as paymentHandlers from "./payments.handlers.ts";
import * as payments from "./payments.routes.ts";

export const ordersRouter = createRouter()
  .openapi(routes.createOrder, handlers.createOrder)
  .openapi(routes.listOrders, handlers.listOrders)
  .openapi(routes.getOrder, handlers.getOrder)
  .openapi(payments.confirmOrder, paymentHandlers.confirmOrder)
  .openapi(routes.cancelOrder, handlers.cancelOrder)
  .openapi(routes.shipOrder, handlers.shipOrder)
  .openapi(routes.deliverOrder, handlers.deliverOrder)
  .openapi(routes.returnBottles, handlers.returnBottles)
  .openapi(payments.startCheckout, paymentHandlers.startCheckout)
  .openapi(payments.recordPayment, paymentHandlers.recordPayment)
  .openapi(payments.listPayments, paymentHandlers.listPayments)
  .openapi(payments.retryRefunds, paymentHandlers.retryRefunds)
  .openapi(payments.stripeWebhook, paymentHandlers.stripeWebhook)
  .openapi(payments.listPaymentEvents, paymentHandlers.listPaymentEvents)
  .openapi(routes.releasePreorders, handlers.releasePreorders);

export type { OrdersPorts } from "./orders.ports.ts";
export { createOrdersService, type OrdersService } from "./orders.service.ts";
