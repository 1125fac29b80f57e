import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";
import { spirits } from "./catalog.ts";

/** A review is `pending` until the rules or staff approve it; only `approved` ones are public and rated. */
export const REVIEW_STATUSES = ["pending", "approved", "rejected"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** One customer's review of one spirit (at most one each: the unique index is the rule's last line). */
export const reviews = sqliteTable(
  "reviews",
  {
    id: text("id").primaryKey(),
    spiritId: text("spirit_id")
      .notNull()
      .references(() => spirits.id),
    customerId: text("customer_id")
      .notNull()
      .references(() => accounts.id),
    rating: integer("rating").notNull(),
    title: text("title"),
    body: text("body").notNull(),
    status: text("status", { enum: REVIEW_STATUSES }).notNull(),
    /** The customer had a confirmed order for the spirit when the review was written or last edited. */
    verifiedPurchase: integer("verified_purchase", { mode: "boolean" }).notNull().default(false),
    /** Why the rules held it back, or the note staff gave with their decision. */
    moderationNote: text("moderation_note"),
    /** Who decided: null while the automatic rules decided. */
    moderatedBy: text("moderated_by"),
    moderatedAt: text("moderated_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("reviews_spirit_customer_uq").on(t.spiritId, t.customerId),
    // The public list (approved, newest first) and the staff queue (pending) both walk this index.
    index("reviews_spirit_status_idx").on(t.spiritId, t.status, t.createdAt, t.id),
    index("reviews_status_idx").on(t.status, t.createdAt, t.id),
    index("reviews_customer_idx").on(t.customerId),
    check("reviews_rating_range", sql`${t.rating} BETWEEN 1 AND 5`),
  ],
);

export type ReviewRow = typeof reviews.$inferSelect;
