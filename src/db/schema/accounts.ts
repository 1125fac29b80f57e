import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { type FlavourProfile, spirits } from "./catalog.ts";
import { canonicalEmailSql } from "./email-canonical.ts";

export type Role = "customer" | "staff" | "admin";

export type Preferences = {
  favouriteTypes?: string[];
  favouriteRegions?: string[];
  favouriteDistilleries?: string[];
  /** Scores 0..4 in the catalog's flavour dimensions (FLAVOUR_DIMENSIONS). */
  flavourProfile?: FlavourProfile;
  priceRange?: { minMinor?: number; maxMinor?: number; currency: string };
  avoidTags?: string[];
};

/** Everyone who can sign in: customers, staff and admins. */
export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    passwordHash: text("password_hash"),
    role: text("role", { enum: ["customer", "staff", "admin"] }).notNull(),
    /** Set for accounts that came from an external OpenID Connect provider. */
    externalSubject: text("external_subject"),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    /**
     * The mailbox behind `email`, computed by the database itself from `email` (see email-canonical.ts), so
     * every writer keeps it: one account per mailbox, whatever case, Gmail dots or `+tag` an address uses.
     */
    emailCanonical: text("email_canonical").generatedAlwaysAs(sql.raw(canonicalEmailSql("email")), {
      mode: "virtual",
    }),
    /** Set when the owner proved the address (a link sent to it, or a password reset through it). */
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
    /**
     * Access tokens carry the generation they were issued in (`gen`); signing out everywhere, a password
     * change or reset, and erasure move it on, so every access token issued before stops at once.
     */
    tokenGeneration: integer("token_generation").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("accounts_email_uq").on(t.email),
    uniqueIndex("accounts_email_canonical_uq").on(t.emailCanonical),
    uniqueIndex("accounts_external_uq").on(t.externalSubject),
    // Admin listings: newest first, all or of one role (keyset pages seek into these).
    index("accounts_created_idx").on(t.createdAt, t.id),
    index("accounts_role_created_idx").on(t.role, t.createdAt, t.id),
  ],
);

/** The customer profile of an account (same id). */
export const customers = sqliteTable("customers", {
  id: text("id")
    .primaryKey()
    .references(() => accounts.id),
  name: text("name").notNull().default(""),
  /** What reviews show as the author; null falls back to initials of `name`. */
  displayName: text("display_name"),
  dateOfBirth: text("date_of_birth"),
  country: text("country"),
  region: text("region"),
  preferences: text("preferences", { mode: "json" }).$type<Preferences>().notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** Refresh tokens are stored hashed; a family is one login and all its rotations. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    familyId: text("family_id").notNull(),
    expiresAt: text("expires_at").notNull(),
    rotatedAt: text("rotated_at"),
    revokedAt: text("revoked_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("refresh_tokens_hash_uq").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
    // Ending every session of an account (disabled) and pruning its expired tokens at sign-in.
    index("refresh_tokens_account_idx").on(t.accountId, t.expiresAt),
  ],
);

export const ACCOUNT_TOKEN_PURPOSES = ["verify_email", "change_email", "reset_password"] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/**
 * Single-use tokens sent by e-mail: verifying the address, confirming a new one (`email` is the address
 * the token was sent to, which becomes the account's on use), resetting the password. Only the SHA-256 of
 * a token is kept; a newer token of the same purpose supersedes the older ones (`usedAt` set).
 */
export const accountTokens = sqliteTable(
  "account_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    purpose: text("purpose", { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    email: text("email").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("account_tokens_hash_uq").on(t.tokenHash),
    index("account_tokens_account_idx").on(t.accountId, t.purpose),
  ],
);

export type AccountTokenRow = typeof accountTokens.$inferSelect;

export const wishlistItems = sqliteTable(
  "wishlist_items",
  {
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    spiritId: text("spirit_id")
      .notNull()
      .references(() => spirits.id),
    addedAt: text("added_at").notNull(),
  },
  (t) => [
    uniqueIndex("wishlist_items_pk").on(t.customerId, t.spiritId),
    // A customer's wishlist newest first, paged by (addedAt, spiritId).
    index("wishlist_items_customer_added_idx").on(t.customerId, t.addedAt, t.spiritId),
  ],
);

export type AccountRow = typeof accounts.$inferSelect;
export type CustomerRow = typeof customers.$inferSelect;
