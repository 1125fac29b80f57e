/**
 * Customers' notification sockets on Workers (deps.customerSockets): each customer belongs to one of a
 * fixed number of shards, and a NotificationSocketsObject per shard holds the sockets of its customers.
 * Shards rather than an object per customer: a fan-out to thousands of customers (a drop announced to
 * every wisher) is then one RPC per shard, not one per customer, most of whom have no socket open; a
 * shard holds its sockets hibernated, so thousands of idle ones cost it nothing.
 */
import type { CustomerSockets, Logger } from "../deps.ts";
import { tooManyNotificationSockets } from "../modules/notifications/notification-sockets.ts";
import { CUSTOMER_HEADER, shardOf, UNREAD_HEADER } from "./notification-shards.ts";
import type { NotificationSocketsObject } from "./worker-notification-object.ts";

export function durableCustomerSockets(
  namespace: DurableObjectNamespace<NotificationSocketsObject>,
  logger: Logger,
): CustomerSockets {
  const stubOf = (shard: string) => namespace.get(namespace.idFromName(shard));
  return {
    async forward(request, customerId, unreadCount) {
      // The route sets these itself, replacing any the client sent: only the Worker says whose socket it is.
      const headers = new Headers(request.headers);
      headers.set(CUSTOMER_HEADER, customerId);
      headers.set(UNREAD_HEADER, String(unreadCount));
      const res = await stubOf(shardOf(customerId)).fetch(new Request(request, { headers }));
      if (res.status === 429) throw tooManyNotificationSockets();
      // A fetched response's headers are immutable, and the app's middleware adds its own (X-Request-Id).
      return new Response(res.body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
        webSocket: res.webSocket,
      });
    },

    async send(messages) {
      const byShard = new Map<string, { customerId: string; text: string }[]>();
      for (const m of messages) {
        const shard = shardOf(m.customerId);
        const list = byShard.get(shard);
        if (list) list.push(m);
        else byShard.set(shard, [m]);
      }
      await Promise.all(
        [...byShard].map(([shard, list]) =>
          stubOf(shard)
            .send(list)
            .catch((err: unknown) =>
              logger.log("warn", { msg: "notification sockets not reached", shard, err: String(err) }),
            ),
        ),
      );
    },
  };
}
