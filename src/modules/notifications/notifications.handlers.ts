import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { customerIdOf } from "../../http/auth.ts";
import { ProblemError } from "../../http/problem.ts";
import { tooManyNotificationSockets } from "./notification-sockets.ts";
import type {
  GetNotificationSettingsRoute,
  ListNotificationsRoute,
  MarkAllNotificationsReadRoute,
  MarkNotificationReadRoute,
  ReplaceNotificationSettingsRoute,
  ShowUnsubscribeRoute,
  UnsubscribeRoute,
  WatchNotificationsRoute,
} from "./notifications.routes.ts";
import { unsubscribePage } from "./unsubscribe-page.ts";
import { UnsubscribeTokenError } from "./unsubscribe-tokens.ts";

export const listNotifications: RouteHandler<ListNotificationsRoute, AppEnv> = async (c) => {
  const id = customerIdOf(c, c.req.valid("param").id);
  return c.json(await c.get("services").notifications.list(id, c.req.valid("query")), 200);
};

export const markNotificationRead: RouteHandler<MarkNotificationReadRoute, AppEnv> = async (c) => {
  const { id, notificationId } = c.req.valid("param");
  return c.json(await c.get("services").notifications.markRead(customerIdOf(c, id), notificationId), 200);
};

export const markAllNotificationsRead: RouteHandler<MarkAllNotificationsReadRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").notifications.markAllRead(customerIdOf(c, c.req.valid("param").id)), 200);

export const getNotificationSettings: RouteHandler<GetNotificationSettingsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").notifications.getSettings(customerIdOf(c, c.req.valid("param").id)), 200);

export const replaceNotificationSettings: RouteHandler<ReplaceNotificationSettingsRoute, AppEnv> = async (
  c,
) => {
  const id = customerIdOf(c, c.req.valid("param").id);
  return c.json(await c.get("services").notifications.putSettings(id, c.req.valid("json")), 200);
};

const upgradeRequired = () =>
  new ProblemError(426, "This path takes a WebSocket handshake (`Upgrade: websocket`).", {
    title: "Upgrade required",
    code: "upgrade-required",
    headers: { Upgrade: "websocket", Connection: "Upgrade" },
  });

export const watchNotifications: RouteHandler<WatchNotificationsRoute, AppEnv> = async (c) => {
  const id = customerIdOf(c, c.req.valid("param").id);
  const { sockets, customerSockets } = c.get("deps");
  if (customerSockets) {
    // Workers: a Durable Object holds the customer's sockets (hibernated), and counts them against the cap.
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw upgradeRequired();
    const unread = await c.get("services").notifications.unreadCount(id);
    return customerSockets.forward(c.req.raw, id, unread);
  }
  if (!sockets) {
    throw new ProblemError(501, "This server has no WebSockets for notifications; read the inbox instead.");
  }
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw upgradeRequired();
  const session = c.get("services").notifications.socketSession(id);
  if (!session) throw tooManyNotificationSockets();
  if (!sockets.upgrade(c.req.raw, session)) throw upgradeRequired();
  // The runtime has taken the connection over; this answer is never sent.
  return new Response(null);
};

/** Which of JSON and HTML the caller names first in `Accept` (null: neither). */
function preferred(c: Context<AppEnv>): "json" | "html" | null {
  const accept = c.req.header("Accept") ?? "";
  const json = accept.indexOf("application/json");
  const html = accept.indexOf("text/html");
  if (json === -1 && html === -1) return null;
  if (json === -1) return "html";
  if (html === -1) return "json";
  return json < html ? "json" : "html";
}

async function withToken<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UnsubscribeTokenError) {
      throw new ProblemError(400, err.message, { code: "unsubscribe-link-invalid" });
    }
    throw err;
  }
}

const HTML = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" };

export const showUnsubscribe: RouteHandler<ShowUnsubscribeRoute, AppEnv> = async (c) => {
  const { token } = c.req.valid("query");
  const notifications = c.get("services").notifications;
  const { topic, off } = await withToken(() => notifications.unsubscribeState(token));
  // A link opened in a browser gets the page; a script asking for JSON, the facts.
  if (preferred(c) === "json") return c.json({ topic, unsubscribed: off }, 200);
  return c.body(unsubscribePage({ topic, done: off, action: c.req.url }), 200, HTML);
};

export const unsubscribe: RouteHandler<UnsubscribeRoute, AppEnv> = async (c) => {
  const { token } = c.req.valid("query");
  const result = await withToken(() => c.get("services").notifications.unsubscribe(token));
  // A mail client's one-click post gets JSON; the page's own form, submitted by a browser, a page.
  if (preferred(c) !== "html") return c.json(result, 200);
  return c.body(unsubscribePage({ topic: result.topic, done: true, action: c.req.url }), 200, HTML);
};
