import { and, asc, count, eq, inArray, lt, sql } from "drizzle-orm";
import { recommendationQueue } from "../../db/schema/recommendations.ts";
import type { Deps } from "../../deps.ts";

/** After this many failed runs a customer's request stays parked (with its error) until a new signal. */
export const MAX_REFRESH_ATTEMPTS = 5;

export type QueuedRefresh = { customerId: string; generation: number; reason: string; enqueuedAt: string };

/**
 * The outbox between the modules that record signals and the background job that recomputes
 * recommendations. Recording a signal only adds `enqueue(...)` to its own atomic batch, so it never
 * waits for (or fails because of) the recommender.
 */
export function createRefreshQueue(deps: Deps) {
  const { db, clock } = deps;

  /** The upsert to put in the caller's batch; a customer already queued gets a newer generation. */
  function enqueue(customerId: string, reason: string) {
    const at = clock.now().toISOString();
    return db
      .insert(recommendationQueue)
      .values({ customerId, reason, enqueuedAt: at, generation: 0, attempts: 0 })
      .onConflictDoUpdate({
        target: recommendationQueue.customerId,
        set: {
          reason,
          generation: sql`${recommendationQueue.generation} + 1`,
          attempts: 0,
          lastError: null,
        },
      });
  }

  /** The oldest requests first (a customer keeps their place in line when signals keep coming). */
  async function take(limit: number): Promise<QueuedRefresh[]> {
    return db
      .select({
        customerId: recommendationQueue.customerId,
        generation: recommendationQueue.generation,
        reason: recommendationQueue.reason,
        enqueuedAt: recommendationQueue.enqueuedAt,
      })
      .from(recommendationQueue)
      .where(lt(recommendationQueue.attempts, MAX_REFRESH_ATTEMPTS))
      .orderBy(asc(recommendationQueue.enqueuedAt), asc(recommendationQueue.customerId))
      .limit(limit);
  }

  /** Removes the requests that were served, unless a newer signal came while computing. */
  function doneStatements(served: QueuedRefresh[]) {
    return served.map((q) =>
      db
        .delete(recommendationQueue)
        .where(
          and(
            eq(recommendationQueue.customerId, q.customerId),
            eq(recommendationQueue.generation, q.generation),
          ),
        ),
    );
  }

  async function failed(customerIds: string[], error: string) {
    if (!customerIds.length) return;
    await db
      .update(recommendationQueue)
      .set({ attempts: sql`${recommendationQueue.attempts} + 1`, lastError: error.slice(0, 500) })
      .where(inArray(recommendationQueue.customerId, customerIds));
  }

  async function size(): Promise<number> {
    const [row] = await db.select({ n: count() }).from(recommendationQueue);
    return row?.n ?? 0;
  }

  async function isQueued(customerId: string): Promise<boolean> {
    const row = await db.query.recommendationQueue.findFirst({
      where: eq(recommendationQueue.customerId, customerId),
      columns: { customerId: true },
    });
    return row !== undefined;
  }

  return { enqueue, take, doneStatements, failed, size, isQueued };
}

export type RefreshQueue = ReturnType<typeof createRefreshQueue>;
