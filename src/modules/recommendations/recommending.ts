/**
 * The reading side: a customer's cached recommendations with every rule checked again against today's
 * facts (or "more like this" from the model), and a listing page re-ranked by the cached taste.
 */
import { eq, inArray } from "drizzle-orm";
import { spirits as spiritsTable } from "../../db/schema/catalog.ts";
import { type CachedRecommendation, recommendationCache } from "../../db/schema/recommendations.ts";
import { DomainError } from "../../domain-error.ts";
import { inStockSql } from "../../stock/queries.ts";
import { BLEND } from "./engine/recommender.ts";
import { type CustomerFacts, loadCustomers } from "./model-loader.ts";
import {
  CACHE_SIZE,
  POPULAR_KEY,
  type RecommendationQuery,
  type RecommendationsContext,
  type Spirit,
} from "./recommendations.context.ts";
import { affinity } from "./taste-affinity.ts";

/** The cached recommendations for a customer, with every rule checked again against today's facts. */
export async function recommend(ctx: RecommendationsContext, customerId: string, query: RecommendationQuery) {
  const { deps, ports, state } = ctx;
  const { db, clock } = deps;
  const [cached, customers, bought, refreshPending] = await Promise.all([
    db.query.recommendationCache.findFirst({ where: eq(recommendationCache.customerId, customerId) }),
    loadCustomers(deps.client, [customerId]),
    ports.purchases.boughtSpirits(customerId),
    ports.queue.isQueued(customerId),
  ]);
  const customer = customers.get(customerId);
  if (!customer) throw new DomainError("not-found", "Customer was not found.");
  const verdict = await ports.legal(customer, clock.now());
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
    const position = model.index.index.get(query.context);
    if (position === undefined) {
      if (!(await ports.catalog.findSpirit(query.context))) {
        throw new DomainError("not-found", `Spirit ${query.context} was not found.`);
      }
      // A spirit newer than the model: the next rebuild will know it.
      await db.batch([ports.queue.enqueue(customerId, "new-context")]);
      return { ...base, context: query.context, items: [] };
    }
    items = model.recommender.moreLikeThis(position, {
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
  const shown = await applyRules(ctx, items, customer, bought, base.computedAt, query);
  return { ...base, items: shown };
}

/**
 * The rules that must hold whatever the cache says: nothing archived (or filtered out), nothing
 * bought since (unless it is a new batch that came after), nothing with an avoided tag. Uses the
 * catalog's own list, so type and price filters mean exactly what they mean on `GET /spirits`.
 */
async function applyRules(
  { deps, ports }: RecommendationsContext,
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
  const stocked = await deps.client.execute({
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
export async function personalize<S extends Spirit>(
  { deps }: RecommendationsContext,
  customerId: string,
  page: S[],
) {
  const cached = await deps.db.query.recommendationCache.findFirst({
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
