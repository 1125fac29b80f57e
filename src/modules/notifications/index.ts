import { createRouter } from "../../http/openapi.ts";
import {
  NotificationErrorMessageSchema,
  NotificationMessageSchema,
  NotificationPongMessageSchema,
  NotificationReadyMessageSchema,
} from "./notification-sockets.ts";
import * as handlers from "./notifications.handlers.ts";
import * as routes from "./notifications.routes.ts";

/** A customer's notifications (inbox, settings, live socket) and the public one-click unsubscribe. */
export const notificationsRouter = createRouter()
  .openapi(routes.listNotifications, handlers.listNotifications)
  .openapi(routes.markAllNotificationsRead, handlers.markAllNotificationsRead)
  .openapi(routes.markNotificationRead, handlers.markNotificationRead)
  .openapi(routes.watchNotifications, handlers.watchNotifications)
  .openapi(routes.getNotificationSettings, handlers.getNotificationSettings)
  .openapi(routes.replaceNotificationSettings, handlers.replaceNotificationSettings)
  .openapi(routes.showUnsubscribe, handlers.showUnsubscribe)
  .openapi(routes.unsubscribe, handlers.unsubscribe);

// The socket's messages are components too, so generated clients get their types.
for (const [name, schema] of Object.entries({
  NotificationReadyMessage: NotificationReadyMessageSchema,
  NotificationMessage: NotificationMessageSchema,
  NotificationPongMessage: NotificationPongMessageSchema,
  NotificationErrorMessage: NotificationErrorMessageSchema,
}))
  notificationsRouter.openAPIRegistry.register(name, schema);
