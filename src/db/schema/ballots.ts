import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { releases } from "./releases.ts";

/**
 * A ballot release's draw. The seed is drawn when the release is created and kept secret until the draw;
 * its SHA-256 (the commitment) is public from the start, so the seed cannot be chosen after the entries
 * are known. `entriesDigest` fixes the list the draw shuffled (src/modules/releases/ballot-draw.ts).
 */
export const releaseBallots = sqliteTable("release_ballots", {
  releaseId: text("release_id")
    .primaryKey()
    .references(() => releases.id),
  seed: text("seed").notNull(),
  commitment: text("commitment").notNull(),
  /** How long a winner has to pay before the bottles pass to the next entry in draw order. */
  claimMinutes: integer("claim_minutes").notNull(),
  drawnAt: text("drawn_at"),
  entriesDigest: text("entries_digest"),
  entryCount: integer("entry_count"),
  /** The allocation the draw's winners were counted against (the release's, at draw time). */
  drawnAllocation: integer("drawn_allocation"),
  /** Set once every bottle of the allocation is paid for, or no entry is left to offer one to. */
  settledAt: text("settled_at"),
});

export const ENTRY_STATUSES = [
  /** In the ballot, not drawn yet. */
  "entered",
  "withdrawn",
  /** Removed by staff (abuse); keeps blocking another entry by the customer or to the address. */
  "void",
  /** Drawn, and not (yet) offered bottles: the waitlist, in draw order. */
  "waiting",
  /** Being offered bottles: its order id is fixed before the order is placed (a crash retries it). */
  "awarding",
  /** Offered bottles: an order reserved until the claim window ends. */
  "won",
  /** Won, but the order was not paid in time or was cancelled: the bottles passed on. */
  "lapsed",
  /** Reached, but the order could not be placed (no longer eligible, not shippable there). */
  "refused",
  /** Never reached before the ballot was settled. */
  "lost",
] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** The shipping address an entry gives, for the winner's order. */
export type EntryShipping = {
  name: string;
  lines: string[];
  city: string;
  postalCode: string;
  phone?: string | undefined;
  country: string;
  region?: string | undefined;
};

export const releaseEntries = sqliteTable(
  "release_entries",
  {
    id: text("id").primaryKey(),
    releaseId: text("release_id")
      .notNull()
      .references(() => releases.id),
    customerId: text("customer_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** SHA-256 of "entry:" + id: the entry as the published draw shows it (src/modules/releases/ballot-draw.ts). */
    hash: text("hash").notNull(),
    /** SHA-256 of the normalised address: equal for "12 Rose Street" and "12 rose st." at one postcode. */
    addressKey: text("address_key").notNull(),
    /** SHA-256 of country, postal code and house number: flats of one building, for staff to look at. */
    buildingKey: text("building_key").notNull(),
    shipping: text("shipping", { mode: "json" }).$type<EntryShipping>().notNull(),
    status: text("status", { enum: ENTRY_STATUSES }).notNull(),
    /** 1-based place in the draw order; null until drawn. */
    drawPosition: integer("draw_position"),
    orderId: text("order_id"),
    /** Why an entry was voided or refused. */
    note: text("note"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    // One live entry per customer and per address; a withdrawn entry frees both.
    uniqueIndex("release_entries_customer_uq")
      .on(t.releaseId, t.customerId)
      .where(sql`status <> 'withdrawn'`),
    uniqueIndex("release_entries_address_uq").on(t.releaseId, t.addressKey).where(sql`status <> 'withdrawn'`),
    // The waitlist in draw order, and (covering) the allocation guard of every offer, at any entry count.
    index("release_entries_status_idx").on(t.releaseId, t.status, t.drawPosition, t.quantity),
    index("release_entries_customer_idx").on(t.customerId, t.createdAt),
    index("release_entries_building_idx").on(t.releaseId, t.buildingKey),
    index("release_entries_address_idx").on(t.addressKey),
  ],
);

export type ReleaseBallotRow = typeof releaseBallots.$inferSelect;
export type ReleaseEntryRow = typeof releaseEntries.$inferSelect;
