/**
 * The background side: the model brought up to date with every signal (rebuilt at most so often), and the
 * refresh queue's customers computed and cached a batch at a time.
 */
import type { TasteProfile } from "../../db/schema/recommendations.ts";
import { type CustomerFacts, loadCustomers } from "./model-loader.ts";
import { type Model, pause } from "./model-state.ts";
import { CACHE_SIZE, cacheRow, POPULAR_KEY, type RecommendationsContext } from "./recommendations.context.ts";

/** Makes sure the model has seen every signal committed so far (rebuilding at most so often). */
async function freshModel(ctx: RecommendationsContext, force: boolean): Promise<Model | undefined> {
  const { deps, state, minRebuildIntervalMs } = ctx;
  const fingerprint = await state.fingerprint();
  const current = state.model;
  if (current && current.fingerprint === fingerprint) return current;
  if (!force && current && Date.now() - current.builtAt < minRebuildIntervalMs) return undefined;
  const model = await state.rebuild(fingerprint);
  await deps.db.batch([
    cacheRow(
      ctx,
      {
        customerId: POPULAR_KEY,
        strategy: "popularity",
        items: model.popular,
        profile: emptyProfile(model),
        contentWeight: 0,
      },
      deps.clock.now().toISOString(),
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
export async function processQueue(
  ctx: RecommendationsContext,
  opts: { force?: boolean; max?: number } = {},
) {
  const { deps, ports } = ctx;
  const { clock } = deps;
  // Purchases come from the orders' log: catching up queues their buyers and puts them in the model.
  await ports.interactions.syncServerSignals();
  const queued = await ports.queue.take(opts.max ?? ctx.batchSize);
  if (!queued.length) return { processed: 0, waiting: false };
  const model = await freshModel(ctx, opts.force ?? false);
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
    const verdict = customer ? await ports.legal(customer, clock.now()) : ({ allowed: true } as const);
    const result = verdict.allowed ? computeFor(model, customer, q.customerId) : undefined;
    rows.push(
      cacheRow(
        ctx,
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
    await deps.db.batch([rows[0]!, ...rows.slice(1), ...ports.queue.doneStatements(queued)]);
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
export async function drain(ctx: RecommendationsContext, opts: { force?: boolean } = { force: true }) {
  let total = 0;
  for (;;) {
    const { processed } = await processQueue(ctx, opts);
    if (!processed) return total;
    total += processed;
  }
}

export function emptyProfile(model: Model): TasteProfile {
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
