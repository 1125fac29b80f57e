import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The transactional outbox and event log: every domain change writes its event here in the same atomic
 * batch as the change (src/modules/events/outbox.ts). `seq` is the order consumers see; rows are kept,
 * so the table is also the staff's event log (`GET /api/v1/events`).
 */
export const outboxEvents = sqliteTable(
  "outbox_events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    type: text("type").notNull(),
    subject: text("subject").notNull(),
    occurredAt: text("occurred_at").notNull(),
    payload: text("payload").notNull(),
  },
  (t) => [
    index("outbox_events_type_idx").on(t.type, t.seq),
    index("outbox_events_subject_idx").on(t.subject, t.seq),
  ],
);

/** How far each consumer got (at least once: a consumer's position moves only after it handled the event). */
export const eventConsumerOffsets = sqliteTable("event_consumer_offsets", {
  consumer: text("consumer").primaryKey(),
  seq: integer("seq").notNull().default(0),
  /** Failures in a row on the event after `seq`; it is tried again from `retryAt` on. */
  attempts: integer("attempts").notNull().default(0),
  retryAt: text("retry_at"),
  lastError: text("last_error"),
  updatedAt: text("updated_at").notNull(),
});

/**
 * One row per spirit whose stock changed since the dispatcher last looked: the stock engine's hot path
 * upserts it in each committed batch (one statement, src/stock/ledger.ts), and the dispatcher turns the
 * dirty ones into coalesced `stock.changed` / `stock.back_in_stock` events in one batch
 * (src/stock/stock-outbox.ts). `emitted*` is what the last event said.
 */
export const stockEventMarks = sqliteTable(
  "stock_event_marks",
  {
    spiritId: text("spirit_id").primaryKey(),
    changedAt: text("changed_at").notNull(),
    dirty: integer("dirty").notNull().default(1),
    emittedVersion: integer("emitted_version"),
    emittedAvailable: integer("emitted_available"),
  },
  (t) => [index("stock_event_marks_dirty_idx").on(t.dirty)],
);
