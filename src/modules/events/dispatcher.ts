/**
 * The outbox dispatcher: each consumer reads the outbox in `seq` order from its own position and moves
 * that position only after it handled the events, so every event reaches every consumer at least once
 * (a crash or a second dispatcher delivers some again: consumers are idempotent on the event id).
 *
 * A consumer that fails stops at that event (order is kept) and is retried with exponential backoff;
 * after `maxAttempts` the event is logged as dead and skipped, so one poison event cannot stall it for ever.
 * Consumers are independent: one failing never holds up another.
 */
import type { Client } from "@libsql/client";
import type { Clock, Logger } from "../../deps.ts";
import { ANY_DIRTY_MARK, flushStockMarks } from "../../stock/stock-outbox.ts";
import type { DomainEvent, EventConsumer, EventType } from "./domain-events.ts";
import type { DueProbe } from "./due-probe.ts";

export type DispatcherDeps = { client: Client; clock: Clock; logger: Logger };

export type DispatchOptions = {
  /** Events one consumer handles per run. */
  batchSize?: number;
  maxAttempts?: number;
  /** The first retry's delay; each further one doubles it, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
};

export type ConsumerRun = { consumer: string; handled: number; failed: boolean; waiting: boolean };
export type DispatchReport = { stockSpirits: number; consumers: ConsumerRun[]; more: boolean };

/** A consumer's retry delay after `attempts` failures in a row. */
export const consumerBackoffMs = (attempts: number, base = 1000, max = 300_000) =>
  Math.min(max, base * 2 ** Math.max(0, attempts - 1));

type Row = Record<string, unknown>;

export const eventOf = (r: Row): DomainEvent => ({
  id: String(r.id),
  type: String(r.type) as EventType,
  occurredAt: String(r.occurred_at),
  subject: String(r.subject),
  payload: JSON.parse(String(r.payload)),
});

/** The run's events in one call; false when it failed (then they go one by one, which finds the culprit). */
async function handledAll(handleAll: NonNullable<EventConsumer["handleAll"]>, rows: Row[]) {
  try {
    await handleAll(rows.map(eventOf));
    return true;
  } catch {
    return false;
  }
}

async function drainConsumer(
  deps: DispatcherDeps,
  consumer: EventConsumer,
  options: Required<DispatchOptions>,
): Promise<ConsumerRun & { full: boolean }> {
  const { client, clock, logger } = deps;
  const now = clock.now();
  const at = now.toISOString();
  const run = { consumer: consumer.name, handled: 0, failed: false, waiting: false, full: false };
  const read = () =>
    client.execute({
      sql: "SELECT seq, attempts, retry_at FROM event_consumer_offsets WHERE consumer = ?",
      args: [consumer.name],
    });
  let offset = (await read()).rows[0];
  if (!offset) {
    // A new consumer starts at the beginning of the log.
    await client.execute({
      sql: "INSERT INTO event_consumer_offsets (consumer, seq, updated_at) VALUES (?, 0, ?) ON CONFLICT DO NOTHING",
      args: [consumer.name, at],
    });
    offset = (await read()).rows[0]!;
  }
  if (offset.retry_at !== null && String(offset.retry_at) > at) return { ...run, waiting: true };
  const start = Number(offset.seq);
  const rows = (
    await client.execute({
      sql: "SELECT seq, id, type, subject, occurred_at, payload FROM outbox_events WHERE seq > ? ORDER BY seq LIMIT ?",
      args: [start, options.batchSize],
    })
  ).rows;
  let seq = start;
  let error: unknown;
  if (consumer.handleAll && rows.length > 1 && (await handledAll(consumer.handleAll, rows))) {
    seq = Number(rows.at(-1)!.seq);
    run.handled = rows.length;
  }
  for (const row of run.handled ? [] : rows) {
    try {
      await consumer.handle(eventOf(row));
    } catch (err) {
      error = err;
      break;
    }
    seq = Number(row.seq);
    run.handled++;
  }
  // Compare-and-set on the position read: a dispatcher running alongside never moves it back.
  if (error === undefined) {
    if (seq !== start) {
      await client.execute({
        sql: `UPDATE event_consumer_offsets SET seq = ?, attempts = 0, retry_at = NULL, last_error = NULL, updated_at = ?
              WHERE consumer = ? AND seq = ?`,
        args: [seq, at, consumer.name, start],
      });
    }
    return { ...run, full: rows.length === options.batchSize };
  }
  const attempts = seq === start ? Number(offset.attempts) + 1 : 1;
  const failedSeq = rows[run.handled] ? Number(rows[run.handled]!.seq) : seq;
  if (attempts >= options.maxAttempts) {
    logger.log("error", {
      msg: "event consumer gave up on an event",
      consumer: consumer.name,
      seq: failedSeq,
      attempts,
      err: String(error),
    });
    await client.execute({
      sql: `UPDATE event_consumer_offsets SET seq = ?, attempts = 0, retry_at = NULL, last_error = ?, updated_at = ?
            WHERE consumer = ? AND seq = ?`,
      args: [failedSeq, String(error), at, consumer.name, start],
    });
    return { ...run, failed: true };
  }
  const retryAt = new Date(
    now.getTime() + consumerBackoffMs(attempts, options.baseDelayMs, options.maxDelayMs),
  ).toISOString();
  logger.log("warn", {
    msg: "event consumer failed",
    consumer: consumer.name,
    seq: failedSeq,
    attempts,
    retryAt,
    err: String(error),
  });
  await client.execute({
    sql: `UPDATE event_consumer_offsets SET seq = ?, attempts = ?, retry_at = ?, last_error = ?, updated_at = ?
          WHERE consumer = ? AND seq = ?`,
    args: [seq, attempts, retryAt, String(error), at, consumer.name, start],
  });
  return { ...run, failed: true };
}

/**
 * The consumers that have seen the whole log, in ONE read: an idle run asked each consumer's position and
 * then the log after it, two round trips per consumer every EVENTS_DISPATCH_INTERVAL_MS (on Turso, requests
 * billed and waited for while nothing happens).
 */
async function caughtUp(client: Client): Promise<Set<string>> {
  const rs = await client.execute(
    `SELECT o.consumer FROM event_consumer_offsets o
     WHERE o.seq >= (SELECT coalesce(max(seq), 0) FROM outbox_events)`,
  );
  return new Set(rs.rows.map((r) => String(r.consumer)));
}

/**
 * Whether a run has anything to do (src/modules/events/due-probe.ts): a stock mark to turn into events, or
 * a consumer that is behind the log (or has no position yet).
 */
export function dispatchProbe(consumers: readonly EventConsumer[]): DueProbe {
  const names = consumers.map((c) => c.name);
  return {
    sql: `EXISTS (${ANY_DIRTY_MARK})
          OR (SELECT count(*) FROM event_consumer_offsets
              WHERE consumer IN (${names.map(() => "?").join(", ") || "NULL"})
                AND seq >= (SELECT coalesce(max(seq), 0) FROM outbox_events)) < ?`,
    args: [...names, names.length],
  };
}

/** One run: the stock marks become events, then each consumer takes up to a batch of what it has not seen. */
export async function dispatchOnce(
  deps: DispatcherDeps,
  consumers: readonly EventConsumer[],
  options: DispatchOptions = {},
): Promise<DispatchReport> {
  const o = { batchSize: 100, maxAttempts: 12, baseDelayMs: 1000, maxDelayMs: 300_000, ...options };
  const stockSpirits = await flushStockMarks(deps.client);
  const idle = await caughtUp(deps.client);
  const runs = [];
  for (const consumer of consumers) {
    if (idle.has(consumer.name)) {
      runs.push({ consumer: consumer.name, handled: 0, failed: false, waiting: false, full: false });
    } else runs.push(await drainConsumer(deps, consumer, o));
  }
  return {
    stockSpirits,
    consumers: runs.map(({ full: _full, ...r }) => r),
    more: runs.some((r) => r.full),
  };
}
