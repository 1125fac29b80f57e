/**
 * Recommendations benchmark (`npm run bench:recs`; run it under `flock /tmp/angelshare-heavy.lock`).
 *
 * 1. Offline evaluation on a population generated from the ranker's own signals
 *    (bench/recommendations-population.ts: palate, co-purchase circle, appeal). Circular: it shows that
 *    the ranker finds what it was built to find, not that it generalises. Time-based hold-out of each
 *    customer's last purchases, full ranking over the catalog, from one trained model in memory.
 * 2. Held-out evaluation on a latent-factor population the ranker does not model
 *    (bench/recommendations-latent.ts, bench/recommendations-heldout.ts), through the real service path,
 *    medians over several seeds.
 *    Both report NDCG/recall/hit-rate@10 beside global popularity, random and item-item co-occurrence.
 * 3. Time to compute recommendations for every customer: the engine in memory, then the real service
 *    path (libSQL file, background job draining the queue, cache rows written).
 * 4. Latency of `GET /api/v1/recommendations` from the cache over real HTTP, beside `GET /api/v1/spirits/{id}`
 *    (a plain catalog read) as the baseline measured in the same run.
 *
 * Flags: --spirits N (10000) --customers N (10000) --requests N (2000) --seed N (7) --skip-service
 *        --heldout-spirits N (as --spirits) --heldout-customers N (as --customers) --heldout-seeds 1,2,3 --skip-heldout
 *        --evaluations-only (1 and 2; `npm run bench:recs-heldout`)
 */
import { cpus, totalmem } from "node:os";
import { CatalogIndex } from "../src/modules/recommendations/engine/catalog-index.ts";
import { buildHistories, CollaborativeModel } from "../src/modules/recommendations/engine/model.ts";
import { Recommender } from "../src/modules/recommendations/engine/recommender.ts";
import type { EngineSignal, Strategy } from "../src/modules/recommendations/engine/types.ts";
import { CACHE_SIZE } from "../src/modules/recommendations/recommendations.service.ts";
import { createTestApp } from "../test/support/test-app.ts";
import {
  cooccurrenceRanker,
  evaluate,
  K,
  type Metrics,
  type Ranker,
  randomRanker,
  rulesFor,
} from "./recommendations-baselines.ts";
import { HELD_OUT_ROWS, type HeldOutRow, HOLD, heldOutRun } from "./recommendations-heldout.ts";
import { generatePopulation } from "./recommendations-population.ts";
import { loadShop } from "./recommendations-shop.ts";

const arg = (name: string, fallback: number) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const SPIRITS = arg("spirits", 10_000);
const CUSTOMERS = arg("customers", 10_000);
const REQUESTS = arg("requests", 2_000);
const SEED = arg("seed", 7);
const HELD_OUT_SPIRITS = arg("heldout-spirits", SPIRITS);
const HELD_OUT_CUSTOMERS = arg("heldout-customers", CUSTOMERS);
const seedsAt = process.argv.indexOf("--heldout-seeds");
const HELD_OUT_SEEDS = (seedsAt >= 0 ? process.argv[seedsAt + 1]! : "1,2,3").split(",").map(Number);
const HOLDOUT = 2;
const evaluationsOnly = flag("evaluations-only");
const skipService = flag("skip-service") || evaluationsOnly;

const fmt = (x: number, d = 4) => x.toFixed(d);
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

console.log("# Recommendations benchmark");
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; bun ${Bun.version}`,
);
console.log(`population: ${SPIRITS} spirits, ${CUSTOMERS} customers, seed ${SEED}\n`);

let t0 = performance.now();
const pop = generatePopulation({ spirits: SPIRITS, customers: CUSTOMERS, seed: SEED });
const allEvents = [...pop.events.values()].flat();
console.log(`generated ${allEvents.length} events in ${ms(performance.now() - t0)}`);

// --- 1. Offline evaluation on the ranker's own signals (circular) ------------------------------------
// Per customer: their last HOLDOUT distinct purchases are the truth; training is everything they did
// before the first of them (so nothing from the future leaks in), plus every other customer's training.
const train: EngineSignal[] = [];
const truth = new Map<string, Set<string>>();
for (const [customerId, events] of pop.events) {
  const purchases: EngineSignal[] = [];
  for (const e of events) {
    if (e.kind === "purchase" && !purchases.some((p) => p.spiritId === e.spiritId)) purchases.push(e);
  }
  if (purchases.length >= HOLDOUT + 1) {
    const held = purchases.slice(-HOLDOUT);
    const cut = held[0]!.at;
    const before = events.filter((e) => e.at < cut);
    const boughtBefore = new Set(before.filter((e) => e.kind === "purchase").map((e) => e.spiritId));
    const target = new Set(held.map((h) => h.spiritId).filter((id) => !boughtBefore.has(id)));
    if (target.size) truth.set(customerId, target);
    train.push(...before);
  } else {
    train.push(...events);
  }
}
t0 = performance.now();
const evalIndex = new CatalogIndex(pop.spirits);
const evalHistories = buildHistories(evalIndex, train);
const evalCf = await CollaborativeModel.build(evalIndex, evalHistories);
const evalRecommender = new Recommender(evalIndex, evalCf);
console.log(`trained on ${train.length} events in ${ms(performance.now() - t0)}\n`);

console.log("## Evaluation 1: population generated from the ranker's own signals (circular)");
console.log(
  "The customers' behaviour is built from the three things the hybrid reads (a flavour palate, a co-purchase",
);
console.log(
  "circle, each bottle's appeal), so this shows the ranker finds what it was built to find, not that it generalises.",
);
console.log(
  `protocol: time-based hold-out. For each customer with at least ${HOLDOUT + 1} distinct purchases, the last ${HOLDOUT} are`,
);
console.log(
  "held out; the model is trained on every customer's interactions before their first held-out purchase (views,",
);
console.log(
  "clicks, wishlist, purchases, ratings). Each ranker scores the FULL catalog (no sampled negatives), with the",
);
console.log(
  `production rules applied to all alike (no archived spirit, nothing already bought); metrics at ${K}, binary relevance,`,
);
console.log(
  "averaged over customers. A ranker with nothing to go on for a customer falls back to popularity, as in production.",
);
console.log(
  "Content-only, collaborative-only and hybrid all carry the same small popularity prior (0.15) as a tie-breaker.\n",
);

const modes: Strategy[] = ["hybrid", "content", "collaborative", "popularity"];
const allowed = rulesFor(pop.spirits, train);
const circular: { name: string; m: Metrics; fallback: number | null; ms: number }[] = [];
const grade = (name: string, rank: Ranker, fallbacks?: () => number) => {
  const start = performance.now();
  const m = evaluate(rank, truth);
  circular.push({ name, m, fallback: fallbacks ? fallbacks() : null, ms: performance.now() - start });
};
for (const mode of modes) {
  let fallback = 0;
  grade(
    mode,
    (customerId) => {
      const out = evalRecommender.recommend({
        history: evalHistories.get(customerId) ?? [],
        preferences: pop.preferences.get(customerId),
        limit: K,
        mode,
      });
      if (out.strategy !== mode && !(mode === "hybrid" && out.strategy !== "popularity")) fallback++;
      return out.items.map((i) => i.spiritId);
    },
    () => fallback,
  );
}
grade("baseline: item-item co-occurrence", cooccurrenceRanker(pop.spirits, train, allowed));
grade("baseline: random", randomRanker(pop.spirits, allowed, SEED));
const base = circular.find((x) => x.name === "popularity")!.m;
console.log(`customers evaluated: ${truth.size}`);
console.log(
  "| ranker | precision@10 | recall@10 | hit-rate@10 | NDCG@10 | NDCG vs popularity | fell back | time |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const { name, m, fallback, ms: took } of circular) {
  console.log(
    `| ${name} | ${fmt(m.precision)} | ${fmt(m.recall)} | ${fmt(m.hit)} | ${fmt(m.ndcg)} | ${(m.ndcg / base.ndcg).toFixed(2)}× | ${fallback ?? ""} | ${ms(took)} |`,
  );
}
const ndcgOf = (name: string) => circular.find((x) => x.name === name)!.m.ndcg;
const h = ndcgOf("hybrid");
const verdict = h > ndcgOf("content") && h > ndcgOf("collaborative") && h > base.ndcg ? "PASS" : "FAIL";
console.log(`\nhybrid beats popularity, content-only and collaborative-only on NDCG@10: ${verdict}\n`);

// --- 2. Held-out evaluation on a population the ranker does not model ---------------------------------
if (!flag("skip-heldout")) {
  console.log("## Evaluation 2: held-out time split, latent-factor population (not the ranker's signals)");
  console.log(
    `population: ${HELD_OUT_SPIRITS} spirits, ${HELD_OUT_CUSTOMERS} customers per seed, seeds ${HELD_OUT_SEEDS.join(", ")}. Each customer and spirit`,
  );
  console.log(
    "has a hidden 12-dimensional latent vector drawn around 8 clusters; views, clicks, wishlists, purchases and",
  );
  console.log(
    "ratings are sampled from a noisy function of their dot product plus a hidden popularity. The ranker never",
  );
  console.log(
    "sees the vectors; half the spirits are listed in their cluster's style, the rest in a random one.",
  );
  console.log(
    `protocol: per customer with at least ${HOLD + 2} distinct spirits bought or wished for, the last ${HOLD} are hidden and`,
  );
  console.log(
    "training is what they did before the first of them. Training goes into a libSQL file, the background job",
  );
  console.log(
    "trains and caches, and the hybrid's top 10 is what the recommendations service answers (rules applied). The",
  );
  console.log(
    "other rows are trained on the same events, with the same rules (nothing archived, bought or rated before).\n",
  );
  const runs: Record<HeldOutRow, Metrics>[] = [];
  for (const seed of HELD_OUT_SEEDS) {
    const run = await heldOutRun({ spirits: HELD_OUT_SPIRITS, customers: HELD_OUT_CUSTOMERS, seed });
    runs.push(run.metrics);
    const ratio = run.metrics["hybrid (service path)"].ndcg / run.metrics["baseline: global popularity"].ndcg;
    console.log(
      `seed ${seed}: ${run.customers} customers evaluated, ${run.trainEvents} training events, service path ${ms(run.serviceMs)}; hybrid NDCG ${ratio.toFixed(2)}× popularity`,
    );
  }
  const med = (row: HeldOutRow, key: keyof Metrics) => median(runs.map((r) => r[row][key]));
  const ratios = (row: HeldOutRow) =>
    runs.map((r) => r[row].ndcg / r["baseline: global popularity"].ndcg).sort((a, b) => a - b);
  console.log(`\nmedians over ${runs.length} seeds; the ratio is the median of the per-seed ratios (range)`);
  console.log("| ranker | NDCG@10 | recall@10 | hit-rate@10 | NDCG vs popularity |");
  console.log("|---|---|---|---|---|");
  for (const row of HELD_OUT_ROWS) {
    const rs = ratios(row);
    console.log(
      `| ${row} | ${fmt(med(row, "ndcg"))} | ${fmt(med(row, "recall"))} | ${fmt(med(row, "hit"))} | ${median(rs).toFixed(2)}× (${rs[0]!.toFixed(2)}–${rs.at(-1)!.toFixed(2)}) |`,
    );
  }
  const hybrid = ratios("hybrid (service path)");
  const against = (row: HeldOutRow) => {
    const wins = runs.filter((r) => r["hybrid (service path)"].ndcg > r[row].ndcg).length;
    return `${wins} of ${runs.length} seeds`;
  };
  console.log(
    `\nhybrid beats global popularity on held-out NDCG@10 in ${against("baseline: global popularity")} (median ${median(hybrid).toFixed(2)}×)`,
  );
  console.log(
    `hybrid beats item-item co-occurrence in ${against("baseline: item-item co-occurrence")}, collaborative-only in ${against("collaborative-only (engine)")}\n`,
  );
}
if (evaluationsOnly) process.exit(0);

// --- 2. Compute time ---------------------------------------------------------------------------------
console.log("## Time to compute recommendations for every customer");
t0 = performance.now();
const index = new CatalogIndex(pop.spirits);
const histories = buildHistories(index, allEvents);
const cf = await CollaborativeModel.build(index, histories);
const buildMs = performance.now() - t0;
const recommender = new Recommender(index, cf);
const perCustomer = (mode: Strategy) => {
  const start = performance.now();
  for (const id of pop.customers) {
    recommender.recommend({
      history: histories.get(id) ?? [],
      preferences: pop.preferences.get(id),
      limit: CACHE_SIZE,
      mode,
    });
  }
  return performance.now() - start;
};
const hybridMs = perCustomer("hybrid");
const popularMs = perCustomer("popularity");
console.log("| step (in memory) | time | per customer |");
console.log("|---|---|---|");
console.log(`| model build (catalog index, histories, item-item neighbours) | ${ms(buildMs)} | |`);
console.log(
  `| hybrid top-${CACHE_SIZE}, ${CUSTOMERS} customers × ${SPIRITS} spirits | ${ms(hybridMs)} | ${ms(hybridMs / CUSTOMERS)} |`,
);
console.log(
  `| baseline: popularity top-${CACHE_SIZE} (same scan) | ${ms(popularMs)} | ${ms(popularMs / CUSTOMERS)} | ratio ${(hybridMs / popularMs).toFixed(1)}× |`,
);

if (!skipService) {
  // --- 2b and 3: through the service, on a libSQL file, then HTTP ---------------------------------
  const t = await createTestApp({ env: { RECOMMENDATIONS_REFRESH_INTERVAL: "0" } });
  try {
    const { client } = t.deps;
    t0 = performance.now();
    const loaded = await loadShop(client, pop, allEvents);
    console.log(
      `\nloaded the shop into libSQL in ${ms(performance.now() - t0)} (${loaded.log} log rows, ${loaded.reviews} reviews, ${loaded.wishes} wishlist items)`,
    );

    t0 = performance.now();
    const processed = await t.services.recommendations.drain({ force: true });
    const drainMs = performance.now() - t0;
    const size = await client.execute(
      "SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()",
    );
    console.log("| step (service, libSQL file) | time | per customer |");
    console.log("|---|---|---|");
    console.log(
      `| background job: sync, model build, compute and cache ${processed} customers | ${ms(drainMs)} | ${ms(drainMs / processed)} |`,
    );
    console.log(`database size after caching: ${(Number(size.rows[0]!.bytes) / 2 ** 20).toFixed(0)} MiB\n`);

    // --- 3. Latency over HTTP -------------------------------------------------------------------------
    console.log("## Latency over HTTP (Bun.serve on port 0, one request at a time)");
    const server = Bun.serve({ port: 0, fetch: t.app.fetch });
    const url = `http://127.0.0.1:${server.port}/api/v1`;
    const tokens: string[] = [];
    for (let k = 0; k < 200; k++) {
      const id = pop.customers[(k * 7919) % pop.customers.length]!;
      tokens.push((await t.services.tokens.issueAccessToken(id, "customer", `${id}@bench.test`)).token);
    }
    const timeRequests = async (path: (k: number) => string) => {
      const out: number[] = [];
      for (let k = 0; k < REQUESTS + 100; k++) {
        const start = performance.now();
        const res = await fetch(`${url}${path(k)}`, {
          headers: { Authorization: `Bearer ${tokens[k % tokens.length]}` },
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path(k)}: ${res.status}`);
        if (k >= 100) out.push(performance.now() - start);
      }
      return out;
    };
    const rows: [string, number[]][] = [
      [
        "baseline: GET /spirits/{id}",
        await timeRequests((k) => `/spirits/${pop.spirits[(k * 31) % SPIRITS]!.id}`),
      ],
      ["GET /recommendations (from cache)", await timeRequests(() => "/recommendations?limit=10")],
      [
        "GET /recommendations?type=scotch&currency=GBP&maxPrice=10000",
        await timeRequests(() => "/recommendations?limit=10&type=scotch&currency=GBP&maxPrice=10000"),
      ],
      [
        "GET /recommendations?context=… (more like this, computed per request)",
        await timeRequests((k) => `/recommendations?limit=10&context=${pop.spirits[(k * 17) % SPIRITS]!.id}`),
      ],
    ];
    const baseP50 = quantile(rows[0]![1], 0.5);
    console.log(`${REQUESTS} requests each after 100 warm-up; customers drawn from 200 signed-in ones`);
    console.log("| request | p50 | p95 | p99 | p50 vs baseline |");
    console.log("|---|---|---|---|---|");
    for (const [name, xs] of rows) {
      console.log(
        `| ${name} | ${ms(quantile(xs, 0.5))} | ${ms(quantile(xs, 0.95))} | ${ms(quantile(xs, 0.99))} | ${(quantile(xs, 0.5) / baseP50).toFixed(2)}× |`,
      );
    }
    const p95 = quantile(rows[1]![1], 0.95);
    console.log(
      `\np95 of GET /api/v1/recommendations from the cache under 20 ms: ${p95 < 20 ? "PASS" : "FAIL"} (${ms(p95)})`,
    );
    server.stop(true);
  } finally {
    t.close();
  }
}
