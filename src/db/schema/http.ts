import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Stored first answers to requests that carried an Idempotency-Key (kept at least 24 hours). A row is
 * written before the handler runs, as a pending marker (`completedAt` null, `status` 0), so a concurrent
 * duplicate finds it; the answer fills it in afterwards (src/http/idempotency.ts).
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    key: text("key").notNull(),
    /** Caller and route the key belongs to, so two callers never share an answer. */
    scope: text("scope").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    /** The answer's headers worth replaying (Content-Type, Location, ...), as a JSON object. */
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
    createdAt: text("created_at").notNull(),
    /** When the answer was stored; null while the first request is still in flight. */
    completedAt: text("completed_at"),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);

/** Who did what to which resource: written by services for changes that matter. */
export const auditLog = sqliteTable("audit_log", {
  id: text("id").primaryKey(),
  actorId: text("actor_id"),
  action: text("action").notNull(),
  subject: text("subject").notNull(),
  detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  at: text("at").notNull(),
  /** The hash chain that makes the log tamper-evident, in rowid order (src/modules/audit/audit-chain.ts). */
  prevHash: text("prev_hash"),
  hash: text("hash"),
});
