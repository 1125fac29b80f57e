import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";

/** What clients may report themselves: what a shopper looked at and clicked. */
export const CLIENT_INTERACTION_KINDS = ["view", "click", "add_to_wishlist"] as const;
/** What the server records itself, from the modules where it happens. */
export const SERVER_INTERACTION_KINDS = [
  "purchase",
  "wishlist_add",
  "wishlist_remove",
  "review",
  "search",
  /** A poll answer that names a spirit (src/modules/polls): declared, not observed, interest. */
  "poll_interest",
] as const;
export const INTERACTION_KINDS = [...CLIENT_INTERACTION_KINDS, ...SERVER_INTERACTION_KINDS] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];
export type ClientInteractionKind = (typeof CLIENT_INTERACTION_KINDS)[number];

export type InteractionDetail = Record<string, string | number | boolean | null>;

/**
 * The behaviour log of each customer, append-only: the recommender learns from it. `seq` orders it
 * (newest first in lists) and is the cursor key; `dedupeKey` makes server-side recording idempotent
 * (a purchase is recorded once per order line however often the sync runs).
 */
export const interactions = sqliteTable(
  "interactions",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    customerId: text("customer_id")
      .notNull()
      .references(() => accounts.id),
    kind: text("kind", { enum: INTERACTION_KINDS }).notNull(),
    /** Null for events about no one spirit (searches). */
    spiritId: text("spirit_id"),
    source: text("source", { enum: ["client", "server"] }).notNull(),
    /** The rating of a review, the quantity of a purchase, the result count of a search. */
    value: real("value"),
    detail: text("detail", { mode: "json" }).$type<InteractionDetail>(),
    dedupeKey: text("dedupe_key"),
    occurredAt: text("occurred_at").notNull(),
    recordedAt: text("recorded_at").notNull(),
  },
  (t) => [
    uniqueIndex("interactions_id_uq").on(t.id),
    uniqueIndex("interactions_dedupe_uq").on(t.dedupeKey),
    index("interactions_customer_idx").on(t.customerId, t.seq),
    index("interactions_kind_idx").on(t.kind, t.spiritId),
  ],
);

/** How far each background sync has read another module's append-only log (by its sequence number). */
export const signalSyncState = sqliteTable("signal_sync_state", {
  name: text("name").primaryKey(),
  position: integer("position").notNull().default(0),
  updatedAt: text("updated_at").notNull(),
});

export type InteractionRow = typeof interactions.$inferSelect;
