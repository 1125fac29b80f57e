import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Stored first answers to requests that carried an Idempotency-Key (kept at least 24 hours). */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    key: text("key").notNull(),
    /** Caller and route the key belongs to, so two callers never share an answer. */
    scope: text("scope").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/** Who did what to which resource: written by services for changes that matter. */
export const auditLog = sqliteTable("audit_log", {
  id: text("id").primaryKey(),
  actorId: text("actor_id"),
  action: text("action").notNull(),
  subject: text("subject").notNull(),
  detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  at: text("at").notNull(),
});
