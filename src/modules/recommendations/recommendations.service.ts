/**
 * Recommendations: a background job computes and caches each customer's ranked spirits (refresh.ts); reads
 * check the cache against today's facts (recommending.ts). One model state per service.
 */
import type { Deps } from "../../deps.ts";
import { modelStateFor } from "./model-state.ts";
import type {
  RecommendationOptions,
  RecommendationQuery,
  RecommendationsContext,
  RecommendationsPorts,
  Spirit,
} from "./recommendations.context.ts";
import { personalize, recommend } from "./recommending.ts";
import { drain, processQueue } from "./refresh.ts";

export {
  CACHE_SIZE,
  type LegalCheck,
  type LegalVerdict,
  type RecommendationOptions,
  type RecommendationQuery,
} from "./recommendations.context.ts";

export function createRecommendationsService(
  deps: Deps,
  ports: RecommendationsPorts,
  options: RecommendationOptions = {},
) {
  const ctx: RecommendationsContext = {
    deps,
    ports,
    state: modelStateFor(deps),
    minRebuildIntervalMs: options.minRebuildIntervalMs ?? 10_000,
    batchSize: options.batchSize ?? 200,
  };
  return {
    processQueue: (opts?: { force?: boolean; max?: number }) => processQueue(ctx, opts),
    drain: (opts?: { force?: boolean }) => drain(ctx, opts),
    recommend: (customerId: string, query: RecommendationQuery) => recommend(ctx, customerId, query),
    personalize: <S extends Spirit>(customerId: string, page: S[]) => personalize(ctx, customerId, page),
    enqueue: ports.queue.enqueue,
  };
}

export type RecommendationsService = ReturnType<typeof createRecommendationsService>;
