import { eq, inArray } from "drizzle-orm";
import { spirits as spiritsTable } from "../../db/schema/catalog.ts";
import {
  type CachedRecommendation,
  type RecommendationCacheRow,
  recommendationCache,
  type TasteProfile,
} from "../../db/schema/recommendations.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { inStockSql } from "../../stock/queries.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { InteractionsService } from "../interactions/interactions.service.ts";
import type { PurchasesService } from "../interactions/purchases.service.ts";
import { BLEND } from "./engine/recommender.ts";
import { type CustomerFacts, loadCustomers } from "./model-loader.ts";
import { type Model, modelStateFor, pause } from "./model-state.ts";
import type { RefreshQueue } from "./refresh-queue.ts";
import { affinity } from "./taste-affinity.ts";

/** How many ranked spirits are kept per customer: enough for filters and rules applied when read. */
export const CACHE_SIZE = 100;
/** The key of the shop-wide popularity list (the cold-start fallback) in the cache table. */
const POPULAR_KEY = "*";

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

type Spirit = NonNullable<Awaited<ReturnType<CatalogService["findSpirit"]>>>;

export type RecommendationOptions = {
  /** Rebuilds of the model (catalog, co-occurrences) no more often than this, however busy the shop. */
  minRebuildIntervalMs?: number;
  /** Customers per run of the background job. */
  batchSize?: number;
};

export function createRecommendationsService(
  deps: Deps,
  ports: {
    catalog: CatalogService;
    purchases: PurchasesService;
    interactions: InteractionsService;
    queue: RefreshQueue;
    /** Required: recommending spirits to someone who may not buy them is not a default to fall into. */
    legal: LegalCheck;
  },
  options: RecommendationOptions = {},
) {
  const { db, client, clock } = deps;
  const state = modelStateFor(deps);
  const minRebuildIntervalMs = options.minRebuildIntervalMs ?? 10_000;
  const batchSize = options.batchSize ?? 200;
  const { legal } = ports;

  const cacheRow = (values: Omit<RecommendationCacheRow, "computedAt">, computedAt: string) =>
    db
      .insert(recommendationCache)
      .values({ ...values, computedAt })
      .onConflictDoUpdate({ target: recommendationCache.customerId, set: { ...values, computedAt } });

  /** Makes sure the model has seen every signal committed so far (rebuilding at most so often). */
  async function freshModel(force: boolean): Promise<Model | undefined> {
    const fingerprint = await state.fingerprint();
    const current = state.model;
    if (current && current.fingerprint === fingerprint) return current;
    if (!force && current && Date.now() - current.builtAt < minRebuildIntervalMs) return undefined;
    const model = await state.rebuild(fingerprint);
    await db.batch([
      cacheRow(
        {
          customerId: POPULAR_KEY,
          strategy: "popularity",
          items: model.popular,
          profile: emptyProfile(model),
          contentWeight: 0,
        },
        clock.now().toISOString(),
      ),
    ]);
    return model;
  }

  function computeFor(model: Model, customer: CustomerFacts | undefined, customerId: string) {
    const history = model.histories.get(customerId) ?? [];
    return model.recommender.recommend({
      history,
      preferences: customer?.preferences,
      limit: CACHE_SIZE,
    });
  }

  /**
   * One run of the background job: takes the oldest queued customers, brings the model up to date,
   * computes and caches their recommendations, and removes their requests (unless a newer signal came
   * meanwhile). Yields to the event loop between customers.
   */
  async function processQueue(opts: { force?: boolean; max?: number } = {}) {
    // Purchases come from the orders' log: catching up queues their buyers and puts them in the model.
    await ports.interactions.syncServerSignals();
    const queued = await ports.queue.take(opts.max ?? batchSize);
    if (!queued.length) return { processed: 0, waiting: false };
    const model = await freshModel(opts.force ?? false);
    if (!model) return { processed: 0, waiting: true };
    const customers = await loadCustomers(
      deps.client,
      queued.map((q) => q.customerId),
    );
    const computedAt = clock.now().toISOString();
    const rows = [];
    for (const [k, q] of queued.entries()) {
      if (k % 25 === 24) await pause();
      const customer = customers.get(q.customerId);
      const verdict = customer ? await legal(customer, clock.now()) : ({ allowed: true } as const);
      const result = verdict.allowed ? computeFor(model, customer, q.customerId) : undefined;
      rows.push(
        cacheRow(
          {
            customerId: q.customerId,
            strategy: result ? result.strategy : "none",
            items: result?.items ?? [],
            profile: result ? model.recommender.profileOf(result.taste) : emptyProfile(model),
            contentWeight: Math.round((result?.contentWeight ?? 1) * 100),
          },
          computedAt,
        ),
      );
    }
    try {
      await db.batch([rows[0]!, ...rows.slice(1), ...ports.queue.doneStatements(queued)]);
    } catch (err) {
      await ports.queue.failed(
        queued.map((q) => q.customerId),
        String((err as Error)?.message ?? err),
      );
      throw err;
    }
    return { processed: queued.length, waiting: false };
  }

  /** Runs the job until the queue is empty (tests and the bench drive it this way). */
  async function drain(opts: { force?: boolean } = { force: true }) {
    let total = 0;
    for (;;) {
      const { processed } = await processQueue(opts);
      if (!processed) return total;
      total += processed;
    }
  }

  /** The cached recommendations for a customer, with every rule checked again against today's facts. */
  async function recommend(customerId: string, query: RecommendationQuery) {
    const [cached, customers, bought, refreshPending] = await Promise.all([
      db.query.recommendationCache.findFirst({ where: eq(recommendationCache.customerId, customerId) }),
      loadCustomers(deps.client, [customerId]),
      ports.purchases.boughtSpirits(customerId),
      ports.queue.isQueued(customerId),
    ]);
    const customer = customers.get(customerId);
    if (!customer) throw new DomainError("not-found", "Customer was not found.");
    const verdict = await legal(customer, clock.now());
    let source = cached;
    let pending = refreshPending;
    if (!source) {
      // Never computed: queue it (the background job will) and answer with the shop's popular list.
      await db.batch([ports.queue.enqueue(customerId, "first-request")]);
      pending = true;
      source = await db.query.recommendationCache.findFirst({
        where: eq(recommendationCache.customerId, POPULAR_KEY),
      });
    }
    const base = {
      customerId,
      context: null as string | null,
      strategy: source?.strategy ?? "popularity",
      contentWeight: (source?.contentWeight ?? 0) / 100,
      computedAt: source?.computedAt ?? null,
      refreshPending: pending,
      notice: null as string | null,
    };
    if (!verdict.allowed) return { ...base, strategy: "none", items: [], notice: verdict.reason };
    let items = source?.items ?? [];
    if (query.context) {
      const model = state.model ?? (await state.rebuild());
      const ctx = model.index.index.get(query.context);
      if (ctx === undefined) {
        if (!(await ports.catalog.findSpirit(query.context))) {
          throw new DomainError("not-found", `Spirit ${query.context} was not found.`);
        }
        // A spirit newer than the model: the next rebuild will know it.
        await db.batch([ports.queue.enqueue(customerId, "new-context")]);
        return { ...base, context: query.context, items: [] };
      }
      items = model.recommender.moreLikeThis(ctx, {
        history: model.histories.get(customerId) ?? [],
        preferences: customer.preferences,
        limit: CACHE_SIZE,
      }).items;
      Object.assign(base, {
        context: query.context,
        strategy: "more_like_this",
        computedAt: new Date(model.builtAt).toISOString(),
      });
    }
    const shown = await applyRules(items, customer, bought, base.computedAt, query);
    return { ...base, items: shown };
  }

  /**
   * The rules that must hold whatever the cache says: nothing archived (or filtered out), nothing
   * bought since (unless it is a new batch that came after), nothing with an avoided tag. Uses the
   * catalog's own list, so type and price filters mean exactly what they mean on `GET /spirits`.
   */
  async function applyRules(
    items: CachedRecommendation[],
    customer: CustomerFacts,
    bought: Map<string, string>,
    computedAt: string | null,
    query: RecommendationQuery,
  ) {
    if (!items.length) return [];
    const ids = items.map((i) => i.spiritId);
    const { items: current } = await ports.catalog.listSpirits({
      filters: {
        type: query.type as never,
        currency: query.currency,
        minPrice: query.minPrice,
        maxPrice: query.maxPrice,
      },
      where: [inArray(spiritsTable.id, ids)],
      limit: ids.length,
    });
    const byId = new Map(current.map((s) => [s.id, s]));
    // In stock means bottles anyone could buy now, from the stock tables, as `/spirits?inStock=true` says.
    const stocked = await client.execute({
      sql: `SELECT value AS id FROM json_each(?) WHERE ${inStockSql("value")}`,
      args: [JSON.stringify(ids)],
    });
    const buyable = new Set(stocked.rows.map((r) => String(r.id)));
    const avoid = new Set((customer.preferences.avoidTags ?? []).map((t) => t.toLowerCase()));
    return items
      .flatMap((item) => {
        const spirit = byId.get(item.spiritId);
        if (!spirit) return [];
        if (spirit.tags.some((t) => avoid.has(t.toLowerCase()))) return [];
        const lastBought = bought.get(item.spiritId);
        if (lastBought) {
          const comesBack = item.reasonCode === "new_batch" && computedAt !== null && lastBought < computedAt;
          if (!comesBack) return [];
        }
        const inStock = spirit.status === "available" && buyable.has(spirit.id);
        const score = item.score * (inStock ? 1 : BLEND.outOfStock);
        return [{ item, spirit, inStock, score }];
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, query.limit)
      .map(({ item, spirit, inStock, score }) => ({
        spirit: summary(spirit),
        score: Math.round(score * 10_000) / 10_000,
        reason: item.reason,
        reasonCode: item.reasonCode,
        relatedSpiritId: item.relatedSpiritId,
        collaborativeShare: item.collaborativeShare,
        inStock,
      }));
  }

  /**
   * Re-ranks one page of a listing by the customer's affinity, keeping its contents exactly: only the
   * order changes. Uses the cached taste, so it costs one read; without one the page stays as it is.
   */
  async function personalize<S extends Spirit>(customerId: string, page: S[]) {
    const cached = await db.query.recommendationCache.findFirst({
      where: eq(recommendationCache.customerId, customerId),
    });
    if (!cached || page.length < 2) return { items: page, personalized: false };
    const ranked = new Map(cached.items.map((i, k) => [i.spiritId, 1 - k / cached.items.length]));
    const scored = page.map((s, k) => ({
      s,
      k,
      score: affinity(cached.profile, s) + (ranked.get(s.id) ?? 0),
    }));
    scored.sort((a, b) => b.score - a.score || a.k - b.k);
    return { items: scored.map((x) => x.s), personalized: true };
  }

  return { processQueue, drain, recommend, personalize, enqueue: ports.queue.enqueue };
}

function emptyProfile(model: Model): TasteProfile {
  return {
    flavour: [],
    flavourMean: Array.from(model.index.mean),
    types: {},
    regions: {},
    distilleries: {},
    casks: {},
    tags: {},
    price: null,
    historySize: 0,
  };
}

function summary(s: Spirit) {
  const image = s.media.find((m) => m.kind === "image");
  return {
    id: s.id,
    name: s.name,
    distillery: s.distillery,
    type: s.type,
    country: s.country,
    region: s.region ?? null,
    ageYears: s.ageYears ?? null,
    price: s.price,
    status: s.status,
    tags: s.tags,
    rating: s.rating,
    imageUrl: image?.url ?? null,
  };
}

export type RecommendationsService = ReturnType<typeof createRecommendationsService>;
