import type { FlavourProfile } from "../../../db/schema/catalog.ts";
import type { ReasonCode } from "../../../db/schema/recommendations.ts";

export type { ReasonCode };

/** A spirit as the recommender sees it: what it is like, and whether it may be offered. */
export type EngineSpirit = {
  id: string;
  name: string;
  type: string;
  region: string | null;
  distillery: string;
  caskType: string | null;
  tags: string[];
  flavour: FlavourProfile;
  priceMinor: number;
  currency: string;
  /** False for archived spirits: never recommended, but they still say what a customer liked. */
  offerable: boolean;
  inStock: boolean;
  /** When the newest batch was recorded (a bought spirit comes back when a batch is newer than the purchase). */
  newestBatchAt: string | null;
};

export type SignalKind =
  | "purchase"
  | "wishlist"
  | "rating"
  | "view"
  | "click"
  | "add_to_wishlist"
  | "poll_interest";

export type EngineSignal = {
  customerId: string;
  spiritId: string;
  kind: SignalKind;
  /** The rating for `rating`. */
  value?: number | null;
  at: string;
};

export type EnginePreferences = {
  favouriteTypes?: string[] | undefined;
  favouriteRegions?: string[] | undefined;
  favouriteDistilleries?: string[] | undefined;
  flavourProfile?: Record<string, number> | undefined;
  priceRange?: { minMinor?: number | undefined; maxMinor?: number | undefined; currency: string } | undefined;
  avoidTags?: string[] | undefined;
};

export type Strategy = "hybrid" | "content" | "collaborative" | "popularity";

export type Recommendation = {
  spiritId: string;
  score: number;
  collaborativeShare: number;
  reasonCode: ReasonCode;
  reason: string;
  relatedSpiritId: string | null;
};
