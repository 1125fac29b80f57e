import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The minimum age to buy spirits, per country ("US") or per subdivision ("CA-QC"); a subdivision's row
 * wins over its country's. Defaults are seeded by a migration and edited by staff.
 */
export const ageLimits = sqliteTable(
  "compliance_age_limits",
  {
    code: text("code").primaryKey(),
    minimumAge: integer("minimum_age").notNull(),
    note: text("note"),
    updatedAt: text("updated_at").notNull(),
    /** The staff account that last set it; null for the seeded defaults. */
    updatedBy: text("updated_by"),
  },
  (t) => [check("compliance_age_limits_range", sql`${t.minimumAge} >= 0 AND ${t.minimumAge} <= 99`)],
);

/** Countries ("SA") and subdivisions ("US-UT") that may not receive spirits from us. */
export const blockedDestinations = sqliteTable("compliance_blocked_destinations", {
  code: text("code").primaryKey(),
  reason: text("reason").notNull(),
  updatedAt: text("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

export type AgeLimitRow = typeof ageLimits.$inferSelect;
export type BlockedDestinationRow = typeof blockedDestinations.$inferSelect;
