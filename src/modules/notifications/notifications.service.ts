/**
 * The notifications module's operations, bound to one context. Each lives in the file of its concern:
 * consumer.ts (the outbox consumer), targeting.ts (who hears about what), fan-out.ts (inbox rows, e-mail
 * records, live messages), inbox.ts, notification-settings.ts, email-sender.ts, unsubscribe-tokens.ts,
 * notification-sockets.ts.
 */
import type { Deps } from "../../deps.ts";
import { notificationsConsumer } from "./consumer.ts";
import { dueEmailsProbe, sendDueEmails } from "./email-sender.ts";
import { listNotifications, markAllRead, markRead, unreadCount } from "./inbox.ts";
import {
  getSettings,
  putSettings,
  readSettings,
  type Settings,
  toApiSettings,
  unsubscribeEmail,
} from "./notification-settings.ts";
import {
  type LiveMessage,
  MAX_SOCKETS_PER_CUSTOMER,
  NotificationHub,
  publishLive,
} from "./notification-sockets.ts";
import type { NotificationsContext, NotificationsPorts } from "./notifications.context.ts";
import type { NotificationListQuery, NotificationSettingsInput } from "./notifications.schemas.ts";
import { ALL_TOPICS, type UnsubscribeTopic } from "./topics.ts";
import { signUnsubscribe, unsubscribeKey, verifyUnsubscribe } from "./unsubscribe-tokens.ts";

export function createNotificationsService(deps: Deps, ports: NotificationsPorts) {
  const ctx: NotificationsContext = {
    deps,
    ports,
    hub: new NotificationHub({
      sockets: deps.sockets,
      heartbeatMs: deps.config.STOCK_STREAM_HEARTBEAT_MS,
      logger: deps.logger,
      timers: deps.timers,
    }),
    unsubscribeKey: unsubscribeKey(deps.config),
    publicBaseUrl: deps.config.API_PUBLIC_URL ?? `http://${deps.config.HOST}:${deps.config.PORT}`,
  };
  const api = (s: Settings) => toApiSettings(s);
  return {
    consumer: notificationsConsumer(ctx),
    /** One run of the e-mail sender (the runtimes run it after each dispatch). */
    sendDueEmails: (options?: { limit?: number }) => sendDueEmails(ctx, options),
    /** Undefined where no mailer is configured (nothing can be sent here). */
    dueEmailsProbe: () => dueEmailsProbe(ctx),
    list: (customerId: string, q: NotificationListQuery) => listNotifications(ctx, customerId, q),
    markRead: (customerId: string, notificationId: string) => markRead(ctx, customerId, notificationId),
    markAllRead: (customerId: string) => markAllRead(ctx, customerId),
    getSettings: async (customerId: string) => api(await getSettings(ctx, customerId)),
    putSettings: async (customerId: string, input: NotificationSettingsInput) =>
      api(await putSettings(ctx, customerId, input)),
    /** What a token stops and whether it is stopped already (throws UnsubscribeTokenError for a forged one). */
    async unsubscribeState(token: string) {
      const { customerId, topic } = await verifyUnsubscribe(ctx.unsubscribeKey, token);
      const s = (await ports.customerExists(customerId)) ? await readSettings(ctx, customerId) : undefined;
      const off = !s?.email || (topic !== ALL_TOPICS && !s.topics[topic].email);
      return { topic, off };
    },
    /** A signed token for the customer's unsubscribe link of the topic (what each e-mail carries). */
    unsubscribeToken: (customerId: string, topic: UnsubscribeTopic) =>
      signUnsubscribe(ctx.unsubscribeKey, customerId, topic, deps.clock.now()),
    async unsubscribe(token: string) {
      const { customerId, topic } = await verifyUnsubscribe(ctx.unsubscribeKey, token);
      if (await ports.customerExists(customerId)) await unsubscribeEmail(ctx, customerId, topic);
      return { topic, unsubscribed: true };
    },
    /** The live socket of a customer, or null when they hold as many as they may. */
    socketSession(customerId: string) {
      if (ctx.hub.socketsOf(customerId) >= MAX_SOCKETS_PER_CUSTOMER) return null;
      return ctx.hub.session(customerId, () => unreadCount(ctx, customerId));
    },
    /** How many of the customer's notifications are unread (what a socket's `ready` says). */
    unreadCount: (customerId: string) => unreadCount(ctx, customerId),
    /** Sends messages to the customers' live sockets, on whichever runtime holds them; never throws. */
    publish: (messages: LiveMessage[]) => publishLive(ctx, messages),
    hub: ctx.hub,
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
