/**
 * Producing events: each helper returns ONE statement for the caller to put in the atomic batch that makes
 * the change, never a write of its own, so an event exists exactly when its change committed.
 *
 * - `outboxInsert` for drizzle batches (`db.batch([change, audit.entry(...), outboxInsert(db, ...)])`);
 * - `outboxInsertIfChanged` right after a guarded drizzle statement, when the batch may find its work done;
 * - `outboxWrite` for the stock ledger's guarded units (conditioned on `$ok`, src/stock/ledger.ts);
 * - `outboxWriteFrom` when the payload's facts are in the rows the batch is writing (an order's customer).
 *
 * Payloads built here are checked against the contract (domain-events.ts) before they are written.
 */

import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { newId } from "../../db/ids.ts";
import { outboxEvents } from "../../db/schema/events.ts";
import type { Write } from "../../stock/ledger.ts";
import { EVENT_PAYLOADS, type EventPayload, type EventType } from "./domain-events.ts";

export type OutboxRow = typeof outboxEvents.$inferInsert;

/** A new event's row: its id, and its payload checked against the event's schema. */
export function eventRow<T extends EventType>(
  type: T,
  subject: string,
  payload: EventPayload<T>,
  at: string,
): OutboxRow {
  const checked = EVENT_PAYLOADS[type].parse(payload);
  return { id: newId("evt"), type, subject, occurredAt: at, payload: JSON.stringify(checked) };
}

export const outboxInsert = <T extends EventType>(
  db: Database,
  type: T,
  subject: string,
  payload: EventPayload<T>,
  at: string,
) => db.insert(outboxEvents).values(eventRow(type, subject, payload, at));

const INSERT = "INSERT INTO outbox_events (id, type, subject, occurred_at, payload)";

/**
 * The event, written only if the statement just before it in the batch changed a row: put it straight
 * after the guarded UPDATE whose change it announces (a repeat, or a second process that lost the race,
 * then writes no event for a change it did not make).
 */
export function outboxInsertIfChanged<T extends EventType>(
  db: Database,
  type: T,
  subject: string,
  payload: EventPayload<T>,
  at: string,
) {
  const row = eventRow(type, subject, payload, at);
  return db.run(sql`INSERT INTO outbox_events (id, type, subject, occurred_at, payload)
    SELECT ${row.id}, ${type}, ${subject}, ${at}, ${row.payload} WHERE changes() > 0`);
}

/** A new event id made by SQL, for events written in bulk by one statement (as opaque as `newId`'s). */
export const SQL_EVENT_ID = "'evt_' || lower(hex(randomblob(12)))";

/** The event as a ledger write: written only if the unit's guards all held. */
export function outboxWrite<T extends EventType>(
  type: T,
  subject: string,
  payload: EventPayload<T>,
  at: string,
): Write {
  const row = eventRow(type, subject, payload, at);
  return { sql: `${INSERT} SELECT ?, ?, ?, ?, ? WHERE $ok`, args: [row.id, type, subject, at, row.payload] };
}

/**
 * The event as a ledger write whose payload is read from one row in the same batch: `fields` maps payload
 * keys to SQL expressions over `table` (trusted text, never input), `extra` adds fixed fields.
 */
export function outboxWriteFrom(
  type: EventType,
  from: { table: string; id: string; subject: string; fields: Record<string, string> },
  extra: Record<string, unknown>,
  at: string,
): Write {
  const pairs = Object.entries(from.fields).flatMap(([key, expr]) => [`'${key}'`, expr]);
  return {
    sql: `${INSERT} SELECT ?, ?, ${from.subject}, ?, json_patch(json_object(${pairs.join(", ")}), ?)
          FROM ${from.table} WHERE id = ? AND $ok`,
    args: [newId("evt"), type, at, JSON.stringify(extra), from.id],
  };
}
