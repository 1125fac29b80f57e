import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const PRICE_DECISIONS = ["accepted", "rejected", "adjusted"] as const;
export type PriceDecision = (typeof PRICE_DECISIONS)[number];

/**
 * What staff decided about a price suggestion, with who and why. Recording one never changes the spirit's
 * price: a person does that through the catalog, so a suggestion is never applied by itself.
 */
export const priceDecisions = sqliteTable(
  "price_decisions",
  {
    id: text("id").primaryKey(),
    spiritId: text("spirit_id").notNull(),
    decision: text("decision", { enum: PRICE_DECISIONS }).notNull(),
    /** The suggestion as it stood when decided. */
    suggestedMinor: integer("suggested_minor").notNull(),
    suggestedLowMinor: integer("suggested_low_minor").notNull(),
    suggestedHighMinor: integer("suggested_high_minor").notNull(),
    currentMinor: integer("current_minor").notNull(),
    currency: text("currency").notNull(),
    /** The price staff chose (accepted: the suggestion; adjusted: their own; rejected: none). */
    chosenMinor: integer("chosen_minor"),
    reason: text("reason").notNull(),
    decidedBy: text("decided_by").notNull(),
    decidedAt: text("decided_at").notNull(),
  },
  (t) => [index("price_decisions_spirit_idx").on(t.spiritId, t.decidedAt)],
);
export type PriceDecisionRow = typeof priceDecisions.$inferSelect;
