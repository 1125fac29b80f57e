import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const RELEASE_MODES = ["first_come", "queue", "ballot"] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];

/** Who may take part in a release; every rule is optional (src/modules/releases/eligibility.ts). */
export type EligibilityRules = {
  minimumAccountAgeDays?: number | undefined;
  minimumPurchases?: number | undefined;
  regions?: string[] | undefined;
  requireVerifiedEmail?: boolean | undefined;
};

/**
 * A limited release (drop) of one spirit, optionally one batch. Its state (scheduled, open, closed,
 * sold_out) is derived from the clock and the stock engine's availability, never stored.
 */
export const releases = sqliteTable(
  "releases",
  {
    id: text("id").primaryKey(),
    spiritId: text("spirit_id").notNull(),
    batchId: text("batch_id"),
    name: text("name").notNull(),
    mode: text("mode", { enum: RELEASE_MODES }).notNull(),
    /** Bottles the release offers; holds still go through src/stock/, so this can never oversell stock. */
    allocation: integer("allocation").notNull(),
    perCustomerLimit: integer("per_customer_limit").notNull(),
    opensAt: text("opens_at").notNull(),
    closesAt: text("closes_at").notNull(),
    eligibility: text("eligibility", { mode: "json" }).$type<EligibilityRules>().notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("releases_opens_idx").on(t.opensAt, t.id), index("releases_spirit_idx").on(t.spiritId)],
);

export type ReleaseRow = typeof releases.$inferSelect;
