/**
 * Places in a queue release's waiting room: one per customer, joined any time before the close (before the
 * opening is an early arrival, shuffled at `opensAt`; after it, the back of the line), read by their owner,
 * left by them; staff list and void them.
 */
import { and, asc, desc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import { isUniqueViolation } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { type QueuePlaceRow, releaseQueuePlaces } from "../../db/schema/queues.ts";
import type { ReleaseRow } from "../../db/schema/releases.ts";
import { DomainError } from "../../domain-error.ts";
import { requireEntrant } from "./entrant-checks.ts";
import type { QueueContext } from "./queue.context.ts";
import type { QueueJoin, StaffQueueQuery } from "./queue.schemas.ts";
import { advanceQueue } from "./queue-advance.ts";
import { placeView, staffPlaceView } from "./queue-view.ts";

export function requireQueue(release: ReleaseRow) {
  if (release.mode !== "queue") {
    throw new DomainError(
      "not-a-queue",
      `Release ${release.id} is sold ${release.mode}, not through a waiting room.`,
      {
        extra: { mode: release.mode },
      },
    );
  }
}

const queueClosed = (release: ReleaseRow) =>
  new DomainError("queue-closed", `The waiting room for ${release.name} closed at ${release.closesAt}.`, {
    extra: { opensAt: release.opensAt, closesAt: release.closesAt },
  });

const alreadyQueued = (row: QueuePlaceRow | undefined) =>
  new DomainError("already-queued", "You already have a place in this queue.", {
    extra: { placeId: row?.id ?? null, placeStatus: row?.status ?? null },
  });

/** The customer's place that still counts (every status but `left`). */
async function livePlace(ctx: QueueContext, releaseId: string, customerId: string) {
  return ctx.deps.db.query.releaseQueuePlaces.findFirst({
    where: and(
      eq(releaseQueuePlaces.releaseId, releaseId),
      eq(releaseQueuePlaces.customerId, customerId),
      ne(releaseQueuePlaces.status, "left"),
    ),
  });
}

export async function joinQueue(
  ctx: QueueContext,
  releaseId: string,
  customerId: string,
  input: QueueJoin,
  client: { address: string | undefined },
) {
  const { deps, ports } = ctx;
  const release = await ports.release(releaseId);
  requireQueue(release);
  const now = deps.clock.now();
  const at = now.toISOString();
  if (at >= release.closesAt) throw queueClosed(release);
  await requireEntrant(deps, ports, {
    action: "queue-join",
    releaseId,
    customerId,
    humanToken: input.humanToken,
    clientAddress: client.address,
  });
  const mine = await livePlace(ctx, releaseId, customerId);
  if (mine) throw alreadyQueued(mine);

  const id = newId("qpl", now.getTime());
  try {
    // After the opening, the back of the line in the same statement (so two joins never share a place);
    // before it, no position: the opening shuffles the early arrivals. Refused once the queue has closed.
    const rs = await deps.client.execute({
      sql: `INSERT INTO release_queue_places (id, release_id, customer_id, joined_at, position, status, updated_at)
            SELECT ?, q.release_id, ?, ?,
              CASE WHEN q.opened_at IS NULL THEN NULL
                ELSE (SELECT coalesce(max(p.position), 0) + 1 FROM release_queue_places p WHERE p.release_id = q.release_id)
              END,
              'waiting', ?
            FROM release_queues q WHERE q.release_id = ? AND q.closed_at IS NULL`,
      args: [id, customerId, at, at, releaseId],
    });
    if (rs.rowsAffected === 0) throw queueClosed(release);
  } catch (err) {
    if (isUniqueViolation(err, "release_queue_places.release_id, release_queue_places.customer_id")) {
      throw alreadyQueued(await livePlace(ctx, releaseId, customerId));
    }
    throw err;
  }
  // Joining an open queue with bottles to spare is admitted at once, not at the next round of the job.
  if (at >= release.opensAt) await advanceQueue(ctx, releaseId);
  return placeView(ctx, (await placeRow(ctx, id))!);
}

const placeRow = (ctx: QueueContext, id: string) =>
  ctx.deps.db.query.releaseQueuePlaces.findFirst({ where: eq(releaseQueuePlaces.id, id) });

/** The customer's latest place in the release (a left one included, until they join again). */
async function latestPlace(ctx: QueueContext, releaseId: string, customerId: string) {
  const [row] = await ctx.deps.db
    .select()
    .from(releaseQueuePlaces)
    .where(and(eq(releaseQueuePlaces.releaseId, releaseId), eq(releaseQueuePlaces.customerId, customerId)))
    .orderBy(desc(releaseQueuePlaces.joinedAt), desc(releaseQueuePlaces.id))
    .limit(1);
  if (!row) throw new DomainError("not-found", "You have no place in this queue.");
  return row;
}

export async function myPlace(ctx: QueueContext, releaseId: string, customerId: string) {
  requireQueue(await ctx.ports.release(releaseId));
  return placeView(ctx, await latestPlace(ctx, releaseId, customerId));
}

/** The owner leaves; an admission not used yet passes to the next in line. */
export async function leaveQueue(ctx: QueueContext, releaseId: string, customerId: string) {
  requireQueue(await ctx.ports.release(releaseId));
  const row = await latestPlace(ctx, releaseId, customerId);
  if (row.status !== "waiting" && row.status !== "admitted") {
    throw new DomainError(
      "conflict",
      `Your place is ${row.status}; only a place waiting or admitted can be left.`,
    );
  }
  const [updated] = await ctx.deps.db
    .update(releaseQueuePlaces)
    .set({ status: "left", updatedAt: ctx.deps.clock.now().toISOString() })
    .where(
      and(eq(releaseQueuePlaces.id, row.id), inArray(releaseQueuePlaces.status, ["waiting", "admitted"])),
    )
    .returning();
  if (!updated) throw new DomainError("conflict", "Your place changed meanwhile; read it again.");
  if (row.status === "admitted") await advanceQueue(ctx, releaseId);
  return placeView(ctx, updated, null);
}

/** Staff: the places in arrival order, each with its position and status. */
export async function listPlaces(ctx: QueueContext, releaseId: string, q: StaffQueueQuery) {
  requireQueue(await ctx.ports.release(releaseId));
  const p = releaseQueuePlaces;
  // In the same statement as the page (plain SQL names: drizzle leaves a selected column unqualified).
  const ahead = sql<number | null>`CASE WHEN release_queue_places.status = 'waiting'
      AND release_queue_places.position IS NOT NULL THEN
    (SELECT count(*) FROM release_queue_places o WHERE o.release_id = release_queue_places.release_id
      AND o.status = 'waiting' AND o.position < release_queue_places.position) END`;
  const rows = await ctx.deps.db
    .select({ row: p, ahead })
    .from(p)
    .where(
      and(
        eq(p.releaseId, releaseId),
        q.cursor ? gt(p.id, q.cursor) : undefined,
        q.status ? eq(p.status, q.status) : undefined,
      ),
    )
    .orderBy(asc(p.id))
    .limit(q.limit + 1);
  const items = rows
    .slice(0, q.limit)
    .map(({ row, ahead }) => staffPlaceView(row, ahead === null ? null : Number(ahead)));
  return { items, nextCursor: rows.length > q.limit ? items.at(-1)!.id : null };
}

/** Staff remove a place (abuse, a duplicate account); it keeps the customer from joining again. */
export async function voidPlace(
  ctx: QueueContext,
  releaseId: string,
  placeId: string,
  reason: string,
  actorId: string,
) {
  const { db, clock } = ctx.deps;
  const at = clock.now().toISOString();
  const p = releaseQueuePlaces;
  const [updated] = await db.batch([
    db
      .update(p)
      .set({ status: "void", note: reason, updatedAt: at })
      .where(and(eq(p.id, placeId), eq(p.releaseId, releaseId), inArray(p.status, ["waiting", "admitted"])))
      .returning(),
    ctx.ports.audit.entry({
      actorId,
      action: "queue.place_voided",
      subject: placeId,
      detail: { releaseId, reason },
    }),
  ]);
  const row = updated[0];
  if (!row) {
    const found = await db.query.releaseQueuePlaces.findFirst({
      where: and(eq(p.id, placeId), eq(p.releaseId, releaseId)),
    });
    if (!found) throw new DomainError("not-found", `Queue place ${placeId} was not found.`);
    throw new DomainError(
      "conflict",
      `The place is ${found.status}; only a place waiting or admitted can be voided.`,
    );
  }
  await advanceQueue(ctx, releaseId);
  return staffPlaceView(row, null);
}
