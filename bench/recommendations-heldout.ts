/**
 * The held-out evaluation of the recommendations benchmark, on the latent-factor shop
 * (bench/recommendations-latent.ts), whose behaviour the ranker does not model. Per customer, the last
 * HOLD distinct spirits they bought or wished for are hidden (a time split: training is what they did
 * before the first of them); the rest goes into a real app's libSQL file, the background job trains and
 * caches, and the hybrid's answer is what the service returns for the customer, rules applied. The
 * baselines and the engine's single-signal modes are trained on the same events in the same run.
 */
import { CatalogIndex } from "../src/modules/recommendations/engine/catalog-index.ts";
import { buildHistories, CollaborativeModel } from "../src/modules/recommendations/engine/model.ts";
import { Recommender } from "../src/modules/recommendations/engine/recommender.ts";
import type { EngineSignal, Strategy } from "../src/modules/recommendations/engine/types.ts";
import { createTestApp } from "../test/support/test-app.ts";
import {
  cooccurrenceRanker,
  evaluate,
  K,
  type Metrics,
  popularityRanker,
  type Ranker,
  randomRanker,
  rulesFor,
} from "./recommendations-baselines.ts";
import { generateLatentPopulation } from "./recommendations-latent.ts";
import { loadShop } from "./recommendations-shop.ts";

export const HOLD = 3;

/**
 * Hides each customer's last `hold` distinct bought-or-wished-for spirits (customers with at least two
 * more before them to learn from); training keeps everything each customer did before their first one.
 */
export function timeSplit(events: Map<string, EngineSignal[]>, hold: number) {
  const train: EngineSignal[] = [];
  const truth = new Map<string, Set<string>>();
  for (const [customerId, list] of events) {
    const firsts: EngineSignal[] = [];
    const seen = new Set<string>();
    for (const e of list) {
      if ((e.kind === "purchase" || e.kind === "wishlist") && !seen.has(e.spiritId)) {
        seen.add(e.spiritId);
        firsts.push(e);
      }
    }
    if (firsts.length < hold + 2) {
      train.push(...list);
      continue;
    }
    const held = firsts.slice(-hold);
    const cut = held[0]!.at;
    train.push(...list.filter((e) => e.at < cut));
    truth.set(customerId, new Set(held.map((e) => e.spiritId)));
  }
  return { train, truth };
}

export const HELD_OUT_ROWS = [
  "hybrid (service path)",
  "content-only (engine)",
  "collaborative-only (engine)",
  "baseline: item-item co-occurrence",
  "baseline: global popularity",
  "baseline: random",
] as const;
export type HeldOutRow = (typeof HELD_OUT_ROWS)[number];

export async function heldOutRun(options: { spirits: number; customers: number; seed: number }) {
  const pop = generateLatentPopulation(options);
  const { train, truth } = timeSplit(pop.events, HOLD);
  const allowed = rulesFor(pop.spirits, train);

  const t = await createTestApp({ env: { RECOMMENDATIONS_REFRESH_INTERVAL: "0" } });
  const served = new Map<string, string[]>();
  const start = performance.now();
  try {
    await loadShop(t.deps.client, pop, train);
    await t.services.recommendations.drain({ force: true });
    for (const customerId of truth.keys()) {
      const answer = await t.services.recommendations.recommend(customerId, { limit: K });
      served.set(
        customerId,
        answer.items.map((i) => i.spirit.id),
      );
    }
  } finally {
    t.close();
  }
  const serviceMs = performance.now() - start;

  const index = new CatalogIndex(pop.spirits);
  const histories = buildHistories(index, train);
  const recommender = new Recommender(index, await CollaborativeModel.build(index, histories));
  const engine =
    (mode: Strategy): Ranker =>
    (customerId) =>
      recommender
        .recommend({ history: histories.get(customerId) ?? [], limit: K, mode })
        .items.map((i) => i.spiritId);

  const rankers: Record<HeldOutRow, Ranker> = {
    "hybrid (service path)": (id) => served.get(id) ?? [],
    "content-only (engine)": engine("content"),
    "collaborative-only (engine)": engine("collaborative"),
    "baseline: item-item co-occurrence": cooccurrenceRanker(pop.spirits, train, allowed),
    "baseline: global popularity": popularityRanker(pop.spirits, train, allowed),
    "baseline: random": randomRanker(pop.spirits, allowed, options.seed),
  };
  const metrics = {} as Record<HeldOutRow, Metrics>;
  for (const row of HELD_OUT_ROWS) metrics[row] = evaluate(rankers[row], truth);
  return { metrics, customers: truth.size, trainEvents: train.length, serviceMs };
}
