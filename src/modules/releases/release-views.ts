/** Releases as callers see them: one, or a page in order of opening, each with its ballot or queue. */
import { and, eq, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type ReleaseBallotRow, releaseBallots } from "../../db/schema/ballots.ts";
import { type ReleaseQueueRow, releaseQueues } from "../../db/schema/queues.ts";
import { type ReleaseRow, releases } from "../../db/schema/releases.ts";
import { DomainError } from "../../domain-error.ts";
import { ballotView } from "./ballot.context.ts";
import { queueView } from "./queue.context.ts";
import { soldInRelease } from "./release-allocation.ts";
import { releaseState } from "./release-state.ts";
import type { ReleasesContext } from "./releases.context.ts";
import type { Release, ReleaseListQuery } from "./releases.schemas.ts";

const BY_OPENING: Sort<ReleaseRow> = {
  name: "releases_opening",
  keys: [
    { column: releases.opensAt, direction: "asc", value: (r) => r.opensAt },
    { column: releases.id, direction: "asc", value: (r) => r.id },
  ],
};

export const releaseNotFound = (id: string) => new DomainError("not-found", `Release ${id} was not found.`);

export async function findReleaseRow({ deps }: ReleasesContext, id: string) {
  const row = await deps.db.query.releases.findFirst({ where: eq(releases.id, id) });
  if (!row) throw releaseNotFound(id);
  return row;
}

export const ballotOf = async (
  { deps }: ReleasesContext,
  releaseId: string,
): Promise<ReleaseBallotRow | undefined> =>
  deps.db.query.releaseBallots.findFirst({ where: eq(releaseBallots.releaseId, releaseId) });

const queueOf = async ({ deps }: ReleasesContext, releaseId: string): Promise<ReleaseQueueRow | undefined> =>
  deps.db.query.releaseQueues.findFirst({ where: eq(releaseQueues.releaseId, releaseId) });

export async function toRelease(ctx: ReleasesContext, row: ReleaseRow): Promise<Release> {
  const { deps, ports } = ctx;
  const sold = row.mode === "first_come" ? await soldInRelease(deps.client, row) : 0;
  const remaining = Math.max(0, Math.min(row.allocation - sold, await ports.available(row.spiritId)));
  const ballot = row.mode === "ballot" ? await ballotOf(ctx, row.id) : undefined;
  const queue = row.mode === "queue" ? await queueOf(ctx, row.id) : undefined;
  return {
    id: row.id,
    spiritId: row.spiritId,
    batchId: row.batchId,
    name: row.name,
    mode: row.mode,
    state: releaseState(row, remaining, deps.clock.now(), ballot),
    allocation: row.allocation,
    remaining,
    perCustomerLimit: row.perCustomerLimit,
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    eligibility: row.eligibility,
    ballot: ballot ? await ballotView(deps, ballot) : null,
    queue: queue ? await queueView(deps, queue) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listReleases(ctx: ReleasesContext, q: ReleaseListQuery) {
  const where: SQL[] = [];
  if (q.cursor) where.push(afterCursor(BY_OPENING, decodeCursor(BY_OPENING, q.cursor)));
  const result = await page(
    BY_OPENING,
    q.limit,
    (limit) =>
      ctx.deps.db
        .select()
        .from(releases)
        .where(and(...where))
        .orderBy(...orderByOf(BY_OPENING))
        .limit(limit),
    (r) => r,
  );
  return {
    items: await Promise.all(result.items.map((r) => toRelease(ctx, r))),
    nextCursor: result.nextCursor,
  };
}

export const getRelease = async (ctx: ReleasesContext, id: string) =>
  toRelease(ctx, await findReleaseRow(ctx, id));
