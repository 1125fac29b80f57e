import type { Client } from "@libsql/client";

export type OutboxLag = { pending: number; oldestAgeSeconds: number };

/**
 * How far the slowest consumer is behind: the events past its position, and the age of the oldest of
 * them (0 when none wait). A consumer that never ran has position 0, so everything waits for it.
 */
export async function outboxLag(client: Client, consumers: readonly string[], now: Date): Promise<OutboxLag> {
  if (!consumers.length) return { pending: 0, oldestAgeSeconds: 0 };
  const offsets = await client.execute({
    sql: `SELECT consumer, seq FROM event_consumer_offsets WHERE consumer IN (${consumers.map(() => "?").join(", ")})`,
    args: [...consumers],
  });
  const seen = new Map(offsets.rows.map((r) => [String(r.consumer), Number(r.seq)]));
  const slowest = Math.min(...consumers.map((name) => seen.get(name) ?? 0));
  const rs = await client.execute({
    sql: "SELECT count(*) AS pending, min(occurred_at) AS oldest FROM outbox_events WHERE seq > ?",
    args: [slowest],
  });
  const row = rs.rows[0];
  const pending = Number(row?.pending ?? 0);
  const oldest = row?.oldest;
  if (!pending || oldest === null || oldest === undefined) return { pending: 0, oldestAgeSeconds: 0 };
  return { pending, oldestAgeSeconds: Math.max(0, (now.getTime() - Date.parse(String(oldest))) / 1000) };
}
