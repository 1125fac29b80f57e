/**
 * What the recommendations' functions share: the deps, the ports to other modules, the model's state (one
 * per service: the model is rebuilt in memory and kept), and the job's settings.
 */
import type { RecommendationCacheRow } from "../../db/schema/recommendations.ts";
import { recommendationCache } from "../../db/schema/recommendations.ts";
import type { Deps } from "../../deps.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { InteractionsService } from "../interactions/interactions.service.ts";
import type { PurchasesService } from "../interactions/purchases.service.ts";
import type { CustomerFacts } from "./model-loader.ts";
import type { ModelState } from "./model-state.ts";
import type { RefreshQueue } from "./refresh-queue.ts";

/** How many ranked spirits are kept per customer: enough for filters and rules applied when read. */
export const CACHE_SIZE = 100;
/** The key of the shop-wide popularity list (the cold-start fallback) in the cache table. */
export const POPULAR_KEY = "*";

export type LegalVerdict = { allowed: true } | { allowed: false; reason: string };
/** Whether the customer may legally buy spirits at all (age, destination); compliance answers it. */
export type LegalCheck = (customer: CustomerFacts, at: Date) => Promise<LegalVerdict> | LegalVerdict;

export type RecommendationQuery = {
  limit: number;
  type?: string | undefined;
  currency?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  context?: string | undefined;
};

export type Spirit = NonNullable<Awaited<ReturnType<CatalogService["findSpirit"]>>>;

export type RecommendationOptions = {
  /** Rebuilds of the model (catalog, co-occurrences) no more often than this, however busy the shop. */
  minRebuildIntervalMs?: number;
  /** Customers per run of the background job. */
  batchSize?: number;
};

export type RecommendationsPorts = {
  catalog: CatalogService;
  purchases: PurchasesService;
  interactions: InteractionsService;
  queue: RefreshQueue;
  /** Required: recommending spirits to someone who may not buy them is not a default to fall into. */
  legal: LegalCheck;
};

export type RecommendationsContext = {
  deps: Deps;
  ports: RecommendationsPorts;
  state: ModelState;
  minRebuildIntervalMs: number;
  batchSize: number;
};

/** The upsert of one customer's (or the popular list's) cached row. */
export const cacheRow = (
  { deps }: RecommendationsContext,
  values: Omit<RecommendationCacheRow, "computedAt">,
  computedAt: string,
) =>
  deps.db
    .insert(recommendationCache)
    .values({ ...values, computedAt })
    .onConflictDoUpdate({ target: recommendationCache.customerId, set: { ...values, computedAt } });
