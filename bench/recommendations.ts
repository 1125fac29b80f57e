/**
 * Recommendations benchmark (`npm run bench:recs`; run it under `flock /tmp/angelshare-heavy.lock`).
 *
 * 1. Offline evaluation on a generated population with hidden tastes (bench/recommendations-population.ts):
 *    time-based hold-out per customer, full ranking over the catalog, precision/recall/NDCG@10 for the
 *    hybrid, content-only, collaborative-only and popularity rankers, all from the same trained model.
 * 2. Time to compute recommendations for every customer: the engine in memory, then the real service
 *    path (libSQL file, background job draining the queue, cache rows written).
 * 3. Latency of `GET /api/v1/recommendations` from the cache over real HTTP, beside `GET /api/v1/spirits/{id}`
 *    (a plain catalog read) as the baseline measured in the same run.
 *
 * Flags: --spirits N (10000) --customers N (10000) --requests N (2000) --seed N (7) --skip-service
 */
import { cpus, totalmem } from "node:os";
import { CatalogIndex } from "../src/modules/recommendations/engine/catalog-index.ts";
import { buildHistories, CollaborativeModel } from "../src/modules/recommendations/engine/model.ts";
import { Recommender } from "../src/modules/recommendations/engine/recommender.ts";
import type { EngineSignal, Strategy } from "../src/modules/recommendations/engine/types.ts";
import { CACHE_SIZE } from "../src/modules/recommendations/recommendations.service.ts";
import { createTestApp } from "../test/support/test-app.ts";
import { generatePopulation } from "./recommendations-population.ts";
import { loadShop } from "./recommendations-shop.ts";

const arg = (name: string, fallback: number) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
};
const SPIRITS = arg("spirits", 10_000);
const CUSTOMERS = arg("customers", 10_000);
const REQUESTS = arg("requests", 2_000);
const SEED = arg("seed", 7);
const HOLDOUT = 2;
const K = 10;
const skipService = process.argv.includes("--skip-service");

const fmt = (x: number, d = 4) => x.toFixed(d);
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
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

// --- 1. Offline evaluation -------------------------------------------------------------------------
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

console.log("## Offline evaluation");
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

const ndcgIdeal = (n: number) => {
  let s = 0;
  for (let r = 0; r < Math.min(n, K); r++) s += 1 / Math.log2(r + 2);
  return s;
};
const modes: Strategy[] = ["hybrid", "content", "collaborative", "popularity"];
const results: Record<string, { p: number; r: number; ndcg: number; fallback: number; ms: number }> = {};
for (const mode of modes) {
  let p = 0;
  let r = 0;
  let ndcg = 0;
  let fallback = 0;
  const start = performance.now();
  for (const [customerId, target] of truth) {
    const out = evalRecommender.recommend({
      history: evalHistories.get(customerId) ?? [],
      preferences: pop.preferences.get(customerId),
      limit: K,
      mode,
    });
    if (out.strategy !== mode && !(mode === "hybrid" && out.strategy !== "popularity")) fallback++;
    let hits = 0;
    let dcg = 0;
    out.items.forEach((item, rank) => {
      if (target.has(item.spiritId)) {
        hits++;
        dcg += 1 / Math.log2(rank + 2);
      }
    });
    p += hits / K;
    r += hits / target.size;
    ndcg += dcg / ndcgIdeal(target.size);
  }
  const n = truth.size;
  results[mode] = { p: p / n, r: r / n, ndcg: ndcg / n, fallback, ms: performance.now() - start };
}
const base = results.popularity!;
console.log(`customers evaluated: ${truth.size}`);
console.log("| ranker | precision@10 | recall@10 | NDCG@10 | NDCG vs popularity | fell back | time |");
console.log("|---|---|---|---|---|---|---|");
for (const mode of modes) {
  const x = results[mode]!;
  console.log(
    `| ${mode} | ${fmt(x.p)} | ${fmt(x.r)} | ${fmt(x.ndcg)} | ${(x.ndcg / base.ndcg).toFixed(2)}× | ${x.fallback} | ${ms(x.ms)} |`,
  );
}
const h = results.hybrid!.ndcg;
const verdict =
  h > results.content!.ndcg && h > results.collaborative!.ndcg && h > base.ndcg ? "PASS" : "FAIL";
console.log(`\nhybrid beats popularity, content-only and collaborative-only on NDCG@10: ${verdict}\n`);

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
