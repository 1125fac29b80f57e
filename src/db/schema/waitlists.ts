import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { EntryShipping } from "./ballots.ts";

export const WAITLIST_STATUSES = [
  /** In line for the spirit's next freed bottles; its quantity is earmarked from ordinary buyers. */
  "waiting",
  /** Being offered bottles: its order id is fixed before the order is placed (a crash retries it). */
  "offering",
  /** Offered: an order reserved for it until the offer's window ends. */
  "offered",
  /** The offer's order was paid. */
  "claimed",
  /** The offer's order was not paid in time or was cancelled: its bottles passed to the next entry. */
  "lapsed",
  /** Reached, but the order could not be placed (no longer eligible, not shippable, over the limit). */
  "refused",
  "withdrawn",
] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

/** The statuses whose bottles are still owed: they earmark stock (waiting, offering) or hold it (offered). */
export const LIVE_WAITLIST_STATUSES = ["waiting", "offering", "offered"] as const;

/**
 * A customer waiting for a sold-out spirit. `seq` is the line order (first come, first offered); the
 * shipping address is where the offer's order goes.
 */
export const waitlistEntries = sqliteTable(
  "waitlist_entries",
  {
    id: text("id").primaryKey(),
    spiritId: text("spirit_id").notNull(),
    customerId: text("customer_id").notNull(),
    seq: integer("seq").notNull(),
    quantity: integer("quantity").notNull(),
    shipping: text("shipping", { mode: "json" }).$type<EntryShipping>().notNull(),
    status: text("status", { enum: WAITLIST_STATUSES }).notNull(),
    orderId: text("order_id"),
    offerExpiresAt: text("offer_expires_at"),
    /** Why an entry was refused. */
    note: text("note"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("waitlist_entries_seq_uq").on(t.spiritId, t.seq),
    // One live entry per customer and spirit; a finished one lets them join again.
    uniqueIndex("waitlist_entries_customer_uq")
      .on(t.spiritId, t.customerId)
      .where(sql`status IN ('waiting', 'offering', 'offered')`),
    // The line in order and (covering) the earmark guard every ordinary hold of the spirit runs.
    index("waitlist_entries_status_idx").on(t.spiritId, t.status, t.seq, t.quantity),
    index("waitlist_entries_customer_idx").on(t.customerId, t.createdAt),
  ],
);

export type WaitlistEntryRow = typeof waitlistEntries.$inferSelect;
