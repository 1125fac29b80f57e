import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { RATE_LIMITED_RESPONSE } from "../../http/api-rate-limit.ts";
import { requireOwnCustomer, requireRole } from "../../http/auth.ts";
import { BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import { ProblemSchema } from "../../http/problem.ts";
import { principalFromQueryToken, tokenQuerySchema } from "../../http/query-token.ts";
import { MAX_SOCKETS_PER_CUSTOMER } from "./notification-sockets.ts";
import {
  CustomerParamsSchema,
  MarkedReadSchema,
  NotificationListQuerySchema,
  NotificationListSchema,
  NotificationParamsSchema,
  NotificationSchema,
  NotificationSettingsInputSchema,
  NotificationSettingsSchema,
  UnsubscribeFormSchema,
  UnsubscribeQuerySchema,
  UnsubscribeResultSchema,
} from "./notifications.schemas.ts";

const tags = ["Notifications"];
const signedIn = [requireRole(), requireOwnCustomer];
const who = "A customer reaches only their own (`me`); staff and admins reach any.";
const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

export const listNotifications = createRoute({
  method: "get",
  path: "/customers/{id}/notifications",
  operationId: "listNotifications",
  tags,
  summary: "List a customer's notifications",
  description: `The inbox, newest first: news matched to the customer's preferences and wishlist, and about their holds, orders and ballots. \`unread=true\` lists only what is unread; \`unreadCount\` counts the whole inbox. ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerParamsSchema, query: NotificationListQuerySchema },
  responses: {
    200: jsonContent(NotificationListSchema, "One page of the inbox."),
    ...problemResponses(401, 404, 422),
  },
});

export const markNotificationRead = createRoute({
  method: "post",
  path: "/customers/{id}/notifications/{notificationId}/read",
  operationId: "markNotificationRead",
  tags,
  summary: "Mark one notification read",
  description: `Idempotent: marking it again keeps the first \`readAt\`. ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: { params: NotificationParamsSchema },
  responses: {
    200: jsonContent(NotificationSchema, "The notification, read."),
    ...problemResponses(401, 404),
  },
});

export const markAllNotificationsRead = createRoute({
  method: "post",
  path: "/customers/{id}/notifications/read",
  operationId: "markAllNotificationsRead",
  tags,
  summary: "Mark every notification read",
  description: `Everything in the inbox up to now; one that arrives meanwhile stays unread. ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerParamsSchema },
  responses: {
    200: jsonContent(MarkedReadSchema, "How many were unread."),
    ...problemResponses(401, 404),
  },
});

export const getNotificationSettings = createRoute({
  method: "get",
  path: "/customers/{id}/notification-settings",
  operationId: "getNotificationSettings",
  tags,
  summary: "Read a customer's notification settings",
  description: `Channels (in-app always; e-mail once opted in), per-topic opt-in and out, quiet hours in the customer's time zone and the daily e-mail cap. Until changed, every topic is on and e-mail is off. ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerParamsSchema },
  responses: {
    200: jsonContent(NotificationSettingsSchema, "The settings."),
    ...problemResponses(401, 404),
  },
});

export const replaceNotificationSettings = createRoute({
  method: "put",
  path: "/customers/{id}/notification-settings",
  operationId: "replaceNotificationSettings",
  tags,
  summary: "Replace a customer's notification settings",
  description: `Members left out take their defaults. E-mails already waiting follow the new settings when they are due (an e-mail turned off is not sent). ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerParamsSchema, ...jsonBody(NotificationSettingsInputSchema) },
  responses: {
    200: jsonContent(NotificationSettingsSchema, "The settings as stored."),
    ...problemResponses(401, 404, ...BODY_ERRORS),
  },
});

const SocketQuerySchema = tokenQuerySchema(
  "An access token, for browsers (they cannot set the Authorization header on a WebSocket).",
);

export const watchNotifications = createRoute({
  method: "get",
  path: "/customers/{id}/notifications/ws",
  operationId: "watchNotifications",
  tags,
  summary: "Receive a customer's notifications live over a WebSocket",
  description: `Upgrades to a WebSocket. The first message is \`ready\` with the unread count; then one \`notification\` message per new notification, as the inbox lists it. A customer in a release's waiting room also gets a \`queue\` message (\`QueueMessage\`) whenever their place changes: its position at the opening, the line moving, the admission with its token, its expiry. The client may send \`{"type":"ping"}\` (answered \`pong\`); the server pings and drops a socket that does not answer. Served by Bun and by Cloudflare Workers (there a Durable Object holds the customer's sockets, hibernating while idle; it answers the ping itself and sends no pings of its own). ${who}`,
  ...access("owner"),
  middleware: [principalFromQueryToken, ...signedIn],
  request: { params: CustomerParamsSchema, query: SocketQuerySchema },
  responses: {
    101: { description: "Switching Protocols: JSON text messages follow." },
    ...problemResponses(401, 404, 422),
    426: problem("Upgrade Required: this path only takes a WebSocket handshake."),
    429: {
      ...RATE_LIMITED_RESPONSE,
      description: `Too many requests from this client, or the customer already holds ${MAX_SOCKETS_PER_CUSTOMER} notification sockets (\`code\` \`too-many-streams\`): close one, or wait \`Retry-After\` seconds.`,
    },
  },
});

const UNSUBSCRIBE_PATH = "/notifications/unsubscribe";

const pageOrJson = (description: string) => ({
  description,
  content: {
    "text/html": { schema: z.string().openapi({ description: "A page for people." }) },
    "application/json": { schema: UnsubscribeResultSchema },
  },
});

export const showUnsubscribe = createRoute({
  method: "get",
  path: UNSUBSCRIBE_PATH,
  operationId: "showUnsubscribe",
  tags,
  summary: "The page an e-mail's unsubscribe link opens",
  description:
    "Public: the signed token is the authority. Changes nothing (mail scanners open links by themselves): the page says which e-mails the link stops and posts the form that does. `Accept: application/json` gets `{ topic, unsubscribed }` instead, `unsubscribed` saying whether those e-mails are off already.",
  ...access("public"),
  request: { query: UnsubscribeQuerySchema },
  responses: {
    200: pageOrJson("What the link stops."),
    ...problemResponses(400, 422),
  },
});

export const unsubscribe = createRoute({
  method: "post",
  path: UNSUBSCRIBE_PATH,
  operationId: "unsubscribe",
  tags,
  summary: "Unsubscribe in one click (RFC 8058)",
  description:
    "Public: the signed token names the customer and the topic. Turns that topic's e-mails off (a digest's link: all e-mail); the inbox keeps everything. Mail clients post `List-Unsubscribe=One-Click` as `application/x-www-form-urlencoded` or `multipart/form-data`; the body is not needed. Idempotent, and never a redirect.",
  ...access("public"),
  request: {
    query: UnsubscribeQuerySchema,
    body: {
      required: false,
      content: {
        "application/x-www-form-urlencoded": { schema: UnsubscribeFormSchema },
        "multipart/form-data": { schema: UnsubscribeFormSchema },
      },
    },
  },
  responses: {
    200: pageOrJson("The e-mails are off."),
    ...problemResponses(400, 422),
  },
});

export type ListNotificationsRoute = typeof listNotifications;
export type MarkNotificationReadRoute = typeof markNotificationRead;
export type MarkAllNotificationsReadRoute = typeof markAllNotificationsRead;
export type GetNotificationSettingsRoute = typeof getNotificationSettings;
export type ReplaceNotificationSettingsRoute = typeof replaceNotificationSettings;
export type WatchNotificationsRoute = typeof watchNotifications;
export type ShowUnsubscribeRoute = typeof showUnsubscribe;
export type UnsubscribeRoute = typeof unsubscribe;
