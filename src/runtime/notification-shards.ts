/**
 * Which Durable Object holds a customer's notification sockets on Workers (worker-notification-sockets.ts),
 * and the headers and tags that object reads. Plain code, so tests can name a customer's shard.
 */

/** Never changed once deployed (a customer's sockets would be looked for in another shard meanwhile). */
export const NOTIFICATION_SHARDS = 32;

/** Set by the Worker's route on the forwarded upgrade, after it authenticated the caller. */
export const CUSTOMER_HEADER = "X-Angelshare-Customer-Id";
export const UNREAD_HEADER = "X-Angelshare-Unread-Count";

/** Each socket's tag in its shard (the runtime's longest tag is 256 characters; ids are far shorter). */
export const customerTag = (customerId: string) => `customer:${customerId}`.slice(0, 256);

/** The shard's object name: FNV-1a over the id's UTF-16 code units (stable, and spreads sequential ids). */
export function shardOf(customerId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) {
    h ^= customerId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `shard-${(h >>> 0) % NOTIFICATION_SHARDS}`;
}
