import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Where staff want events sent (src/modules/webhooks/). The secret signs every delivery (Standard Webhooks). */
export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description"),
  /** Event types sent to it (`*` for all). */
  eventTypes: text("event_types", { mode: "json" }).$type<string[]>().notNull(),
  secret: text("secret").notNull(),
  /** The secret before the last rotation, still signing beside the new one until `previousSecretUntil`. */
  previousSecret: text("previous_secret"),
  previousSecretUntil: text("previous_secret_until"),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  disabledReason: text("disabled_reason"),
  /** When the current run of failed attempts began (null: the last attempt succeeded). */
  failingSince: text("failing_since"),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event for one endpoint: retried until it is delivered or its retries run out (`failed`). */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The `webhook-id` header: the same for every attempt, so a receiver can drop a repeat. */
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact body every attempt sends (the signature covers it). */
    body: text("body").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    /** A sender claims the delivery until then, so two senders do not send it at once. */
    lockedUntil: text("locked_until"),
    createdAt: text("created_at").notNull(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_idx").on(t.endpointId, t.eventId),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

/** The delivery log: every attempt with what came back and how long it took. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id").notNull(),
    attempt: integer("attempt").notNull(),
    /** The receiver's HTTP status; null when no answer came (refused, timed out). */
    statusCode: integer("status_code"),
    ok: integer("ok", { mode: "boolean" }).notNull(),
    error: text("error"),
    latencyMs: integer("latency_ms").notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("webhook_attempts_endpoint_idx").on(t.endpointId, t.at, t.id)],
);
