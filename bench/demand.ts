/**
 * The demand estimate and the price suggestion on a generated market whose truth is known
 * (src/db/seed/demand-market.ts): the estimate's error against the true demand of releases it never saw,
 * beside the naive baseline of the wishlist count alone; then each release sold at its fixed price and at
 * the suggested price, simulated against the true demand, for revenue and sell-out time.
 *
 *   npm run bench:demand [-- --history 300 --releases 200 --seed 7]
 */
import { parseArgs } from "node:util";
import { generateDemandMarket } from "../src/db/seed/demand-market.ts";
import { estimateDemand, fitDemand, SIGNALS } from "../src/modules/insights/demand-model.ts";
import { priceForAllocation } from "../src/modules/insights/price-model.ts";

const { values } = parseArgs({
  options: {
    history: { type: "string", default: "300" },
    releases: { type: "string", default: "200" },
    seed: { type: "string", default: "7" },
  },
});
const TRUE_ELASTICITY = -1.8;
const SALE_DAYS = 7;
const market = generateDemandMarket({
  releases: Number(values.history) + Number(values.releases),
  seed: Number(values.seed),
  elasticity: TRUE_ELASTICITY,
});
const history = market.slice(0, Number(values.history));
const upcoming = market.slice(Number(values.history));

const started = performance.now();
const fit = fitDemand(history);
const fitMs = performance.now() - started;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
};
const errors = (estimate: (r: (typeof upcoming)[number]) => number) => {
  const abs = upcoming.map((r) => Math.abs(estimate(r) - r.trueDemand));
  const rel = upcoming.map((r) => Math.abs(estimate(r) - r.trueDemand) / Math.max(1, r.trueDemand));
  return { mae: abs.reduce((s, v) => s + v, 0) / abs.length, medianRel: median(rel) };
};
const model = errors((r) => estimateDemand(fit, r.features, r.priceMinor));
const naive = errors((r) => r.features.wishlists);

console.log(
  `demand estimate: ${history.length} past releases to learn from, ${upcoming.length} unseen ones to estimate`,
);
console.log(
  `  fitted weights (${fit.source}, ${fitMs.toFixed(1)} ms): ${SIGNALS.map((k) => `${k} ${fit.weights[k].toFixed(3)}`).join(", ")}`,
);
console.log(
  `  model:              MAE ${model.mae.toFixed(1)} bottles, median relative error ${(model.medianRel * 100).toFixed(1)} %`,
);
console.log(
  `  naive (wishlists):  MAE ${naive.mae.toFixed(1)} bottles, median relative error ${(naive.medianRel * 100).toFixed(1)} %`,
);
console.log(`  ratio model/naive MAE: ${(model.mae / naive.mae).toFixed(2)}x`);
console.log(
  `  baseline ${fit.baseline.toFixed(1)}; elasticity fitted ${fit.elasticity.toFixed(2)} (95 % ${fit.elasticityRange[0].toFixed(2)}..${fit.elasticityRange[1].toFixed(2)}), true ${TRUE_ELASTICITY}`,
);

/** One release sold at a price against the true demand, buyers arriving evenly over the sale. */
function sell(r: (typeof upcoming)[number], priceMinor: number) {
  const demand = r.trueDemand * (priceMinor / r.priceMinor) ** TRUE_ELASTICITY;
  const sold = Math.min(r.supply, Math.floor(demand));
  const soldOutAfterDays = demand >= r.supply ? (SALE_DAYS * r.supply) / demand : null;
  return { revenue: sold * priceMinor, sold, soldOutAfterDays };
}
const fixed = upcoming.map((r) => sell(r, r.priceMinor));
const suggested = upcoming.map((r) => sell(r, priceForAllocation(fit, r.features, r.priceMinor, r.supply)));
const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
const report = (name: string, runs: typeof fixed) => {
  const soldOut = runs.filter((x) => x.soldOutAfterDays !== null);
  const hours = median(soldOut.map((x) => x.soldOutAfterDays! * 24));
  console.log(
    `  ${name.padEnd(16)} revenue ${(sum(runs.map((x) => x.revenue)) / 100).toFixed(0)}, bottles ${sum(runs.map((x) => x.sold))}, sold out ${soldOut.length}/${runs.length} (median after ${Number.isNaN(hours) ? "-" : `${hours.toFixed(1)} h`})`,
  );
};
console.log(`price suggestion, simulated over a ${SALE_DAYS}-day sale against the true demand:`);
report("fixed price", fixed);
report("suggested price", suggested);
console.log(
  `  revenue ratio suggested/fixed: ${(sum(suggested.map((x) => x.revenue)) / sum(fixed.map((x) => x.revenue))).toFixed(3)}x`,
);
if (model.mae >= naive.mae) {
  console.error("FAIL: the demand model is no better than the wishlist count alone");
  process.exit(1);
}
