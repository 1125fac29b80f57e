import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Why a spirit is recommended, as a code clients can switch on (the `reason` text says it to people). */
export const REASON_CODES = [
  "similar_to_rated",
  "similar_to_bought",
  "similar_to_wished",
  "similar_to_viewed",
  "similar_to_declared",
  "profile_match",
  "favourite_match",
  "co_purchased",
  "co_wishlisted",
  "co_rated",
  "co_viewed",
  "co_declared",
  "new_batch",
  "popular",
  "more_like_this",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** One ranked candidate as the background job left it; reads filter and cut these, never recompute. */
export type CachedRecommendation = {
  spiritId: string;
  score: number;
  /** How much of the score came from collaborative filtering (0 = all content). */
  collaborativeShare: number;
  reasonCode: ReasonCode;
  reason: string;
  relatedSpiritId: string | null;
};

/** The customer's taste as the content model sees it, kept so a listing can be re-ranked without the model. */
export type TasteProfile = {
  /** Centred on the catalog's mean flavour (`flavourMean`) and of unit length; empty when unknown. */
  flavour: number[];
  flavourMean: number[];
  types: Record<string, number>;
  regions: Record<string, number>;
  distilleries: Record<string, number>;
  casks: Record<string, number>;
  tags: Record<string, number>;
  price: { minMinor: number; maxMinor: number; currency: string } | null;
  historySize: number;
};

/**
 * Recommendations computed in the background, one row per customer; a request only reads this. The
 * `strategy` says what they came from (popularity for a newcomer, hybrid once there is history).
 */
export const recommendationCache = sqliteTable("recommendation_cache", {
  customerId: text("customer_id").primaryKey(),
  strategy: text("strategy").notNull(),
  items: text("items", { mode: "json" }).$type<CachedRecommendation[]>().notNull(),
  profile: text("profile", { mode: "json" }).$type<TasteProfile>().notNull(),
  contentWeight: integer("content_weight_pct").notNull(),
  computedAt: text("computed_at").notNull(),
});

/**
 * The outbox of customers whose signals changed: recording a signal adds (or refreshes) a row in the
 * same batch, and the background job takes the oldest, recomputes, and removes the row unless it was
 * refreshed meanwhile. So recording never waits for computing.
 */
export const recommendationQueue = sqliteTable(
  "recommendation_queue",
  {
    customerId: text("customer_id").primaryKey(),
    reason: text("reason").notNull(),
    enqueuedAt: text("enqueued_at").notNull(),
    /** Grows each time the row is refreshed, so finishing an older run never drops a newer request. */
    generation: integer("generation").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("recommendation_queue_enqueued_idx").on(t.enqueuedAt)],
);

export type RecommendationCacheRow = typeof recommendationCache.$inferSelect;
