/**
 * Moving a queue along, from the periodic job (Bun's timer, the Worker's minute cron) and after anything
 * that frees bottles (a join, a leave, a void). At `opensAt` the early arrivals are shuffled (queue-order.ts)
 * and everyone gets a position; then, each round: admissions not used in time expire, orders placed with an
 * admission that ended unpaid or cancelled lapse, and the next places in line are admitted while the
 * allocation lasts. Every step is a guarded write, safe to repeat after a crash or from a second process;
 * the allocation guard is in the SQL of each admission, so two processes never admit past it.
 */
import { and, asc, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import type { OrderStatus } from "../../db/schema/orders.ts";
import { type QueuePlaceRow, releaseQueuePlaces, releaseQueues } from "../../db/schema/queues.ts";
import { type ReleaseRow, releases } from "../../db/schema/releases.ts";
import { DomainError } from "../../domain-error.ts";
import { eventRow } from "../events/outbox.ts";
import { type QueueContext, wakeQueueAt } from "./queue.context.ts";
import { earlyArrivalOrder } from "./queue-order.ts";
import { pushPlaces } from "./queue-view.ts";

const ENDED: readonly OrderStatus[] = ["expired", "cancelled", "refunded"];
/** An order being placed with an admission longer than this without an order row died with its process. */
const ORDERING_ABANDONED_MS = 60_000;
const PAGE = 64;

async function queueRow(ctx: QueueContext, releaseId: string) {
  const row = await ctx.deps.db.query.releaseQueues.findFirst({
    where: eq(releaseQueues.releaseId, releaseId),
  });
  if (!row) {
    throw new DomainError("not-a-queue", `Release ${releaseId} is not sold through a waiting room.`, {
      extra: { mode: null },
    });
  }
  return row;
}

const advancing = new Map<string, Promise<AdvanceResult>>();
export type AdvanceResult = { opened: boolean; admitted: number; expired: number; closed: boolean };

/** Brings the queue up to date; one run per release in this process at a time (the SQL guards the rest). */
export function advanceQueue(ctx: QueueContext, releaseId: string): Promise<AdvanceResult> {
  const running = advancing.get(releaseId);
  if (running) return running;
  const run = advanceOnce(ctx, releaseId).finally(() => advancing.delete(releaseId));
  advancing.set(releaseId, run);
  return run;
}

async function advanceOnce(ctx: QueueContext, releaseId: string): Promise<AdvanceResult> {
  const result: AdvanceResult = { opened: false, admitted: 0, expired: 0, closed: false };
  const release = await ctx.ports.release(releaseId);
  const queue = await queueRow(ctx, releaseId);
  const at = ctx.deps.clock.now().toISOString();
  if (queue.closedAt || at < release.opensAt) return result;
  if (at >= release.closesAt) {
    result.closed = await closeQueue(ctx, release, at);
    return result;
  }
  if (!queue.openedAt) result.opened = await openQueue(ctx, release, queue.seed, at);

  const changed: QueuePlaceRow[] = [];
  const p = releaseQueuePlaces;
  const expired = await ctx.deps.db
    .update(p)
    .set({ status: "expired", updatedAt: at })
    .where(and(eq(p.releaseId, releaseId), eq(p.status, "admitted"), lte(p.admissionExpiresAt, at)))
    .returning();
  result.expired = expired.length;
  changed.push(...expired);
  changed.push(...(await settleOrders(ctx, releaseId, at)));

  const admitted = await admitNext(ctx, release, queue.admissionMinutes, at);
  result.admitted = admitted.length;
  changed.push(...admitted);

  // New admissions end: the queue's timer (Workers) passes an unused one on at its expiry.
  const firstExpiry = admitted.map((r) => r.admissionExpiresAt!).sort()[0];
  if (firstExpiry) await wakeQueueAt(ctx.deps, releaseId, firstExpiry);

  await pushPlaces(
    ctx,
    changed.map((row) => [row, null]),
  );
  // Everyone still waiting hears how far they have come when the line moved (or was just formed). First a
  // turn of the event loop: Bun writes published messages to the sockets then, and the admissions (time
  // boxed) should not wait behind thousands of position updates (bench:drop's waiting room measured it).
  if (result.opened || changed.length) {
    if (admitted.length) await new Promise((resolve) => setTimeout(resolve, 0));
    await pushWaiting(ctx, releaseId);
  }
  return result;
}

/**
 * The opening: the early arrivals (joined before `opensAt`) in their shuffled order take positions 1..n,
 * then any later ones in arrival order, and the queue is marked open, all in one batch that does nothing
 * if another run opened it first.
 */
async function openQueue(ctx: QueueContext, release: ReleaseRow, seed: string, at: string) {
  const { db, client } = ctx.deps;
  const p = releaseQueuePlaces;
  const early = await db
    .select({ id: p.id })
    .from(p)
    .where(
      and(
        eq(p.releaseId, release.id),
        eq(p.status, "waiting"),
        isNull(p.position),
        sql`${p.joinedAt} < ${release.opensAt}`,
      ),
    )
    .orderBy(asc(p.id));
  const order = await earlyArrivalOrder(
    seed,
    early.map((e) => e.id),
  );
  const places = JSON.stringify(order.map((id, k) => [id, k + 1]));
  const notOpened = "(SELECT opened_at FROM release_queues WHERE release_id = ?) IS NULL";
  const [, , opened] = await client.batch(
    [
      {
        sql: `UPDATE release_queue_places SET position = d.place, updated_at = ?
              FROM (SELECT value ->> '$[0]' AS id, value ->> '$[1]' AS place FROM json_each(?)) AS d
              WHERE release_queue_places.id = d.id AND release_queue_places.position IS NULL AND ${notOpened}`,
        args: [at, places, release.id],
      },
      {
        sql: `UPDATE release_queue_places SET position = ? + r.rank, updated_at = ?
              FROM (SELECT id, row_number() OVER (ORDER BY joined_at, id) AS rank FROM release_queue_places
                    WHERE release_id = ? AND status = 'waiting' AND position IS NULL) AS r
              WHERE release_queue_places.id = r.id AND ${notOpened}`,
        args: [order.length, at, release.id, release.id],
      },
      {
        sql: "UPDATE release_queues SET opened_at = ? WHERE release_id = ? AND opened_at IS NULL",
        args: [at, release.id],
      },
    ],
    "write",
  );
  return (opened?.rowsAffected ?? 0) > 0;
}

/**
 * Orders placed with admissions: one being placed whose process died is finished by whether its order
 * exists; a placed one that ended unpaid or cancelled lapses, and its bottles go back to the allocation.
 */
async function settleOrders(ctx: QueueContext, releaseId: string, at: string) {
  const { db } = ctx.deps;
  const p = releaseQueuePlaces;
  const rows = await db
    .select()
    .from(p)
    .where(and(eq(p.releaseId, releaseId), inArray(p.status, ["ordering", "done"])));
  if (!rows.length) return [];
  const orders = await ctx.ports.orderStatuses(rows.map((r) => r.orderId!));
  const changed: QueuePlaceRow[] = [];
  const move = async (row: QueuePlaceRow, set: Partial<QueuePlaceRow>) => {
    const [updated] = await db
      .update(p)
      .set({ ...set, updatedAt: at })
      .where(and(eq(p.id, row.id), eq(p.status, row.status)))
      .returning();
    if (updated) changed.push(updated);
  };
  for (const row of rows) {
    const order = orders.get(row.orderId!);
    if (row.status === "ordering") {
      if (order) await move(row, { status: "done" });
      else if (Date.parse(at) - Date.parse(row.updatedAt) > ORDERING_ABANDONED_MS) {
        const open = row.admissionExpiresAt !== null && row.admissionExpiresAt > at;
        await move(row, { status: open ? "admitted" : "expired", orderId: null });
      }
    } else if (order && ENDED.includes(order.status)) {
      await move(row, { status: "lapsed", note: `order ${order.status}` });
    }
  }
  return changed;
}

/**
 * Admits places in line order while bottles are left: each is given up to the per-customer limit out of
 * what the allocation (minus what earlier admissions hold or ordered) and the stock still have.
 */
async function admitNext(ctx: QueueContext, release: ReleaseRow, minutes: number, at: string) {
  const { db, client } = ctx.deps;
  const p = releaseQueuePlaces;
  const [used] = await db
    .select({
      all: sql<number>`coalesce(sum(${p.admittedQuantity}), 0)`,
      open: sql<number>`coalesce(sum(CASE WHEN ${p.status} = 'admitted' THEN ${p.admittedQuantity} END), 0)`,
    })
    .from(p)
    .where(and(eq(p.releaseId, release.id), inArray(p.status, ["admitted", "ordering", "done"])));
  const stock = (await ctx.ports.available(release.spiritId)) - Number(used?.open ?? 0);
  let left = Math.min(release.allocation - Number(used?.all ?? 0), stock);
  const admitted: QueuePlaceRow[] = [];
  const expiresAt = new Date(Date.parse(at) + minutes * 60_000).toISOString();
  let after = 0;
  while (left > 0) {
    const page = await db
      .select({ id: p.id, position: p.position, customerId: p.customerId })
      .from(p)
      .where(and(eq(p.releaseId, release.id), eq(p.status, "waiting"), gt(p.position, after)))
      .orderBy(asc(p.position))
      .limit(PAGE);
    if (!page.length) break;
    for (const place of page) {
      after = place.position!;
      const quantity = Math.min(release.perCustomerLimit, left);
      const event = eventRow(
        "release.admitted",
        release.id,
        { releaseId: release.id, spiritId: release.spiritId, customerId: place.customerId, expiresAt },
        at,
      );
      // The admission and its event together: the event only if the guarded update admitted the place.
      const [rs] = await client.batch(
        [
          {
            sql: `UPDATE release_queue_places SET status = 'admitted', admitted_quantity = ?, admitted_at = ?,
                    admission_expires_at = ?, updated_at = ?
                  WHERE id = ? AND status = 'waiting'
                    AND ? + (SELECT coalesce(sum(admitted_quantity), 0) FROM release_queue_places
                      WHERE release_id = ? AND status IN ('admitted', 'ordering', 'done')) <= ?`,
            args: [quantity, at, expiresAt, at, place.id, quantity, release.id, release.allocation],
          },
          {
            sql: `INSERT INTO outbox_events (id, type, subject, occurred_at, payload)
                  SELECT ?, ?, ?, ?, ? WHERE changes() = 1`,
            args: [event.id, event.type, event.subject, event.occurredAt, event.payload],
          },
        ],
        "write",
      );
      if (!rs?.rowsAffected) continue;
      left -= quantity;
      const row = await db.query.releaseQueuePlaces.findFirst({ where: eq(p.id, place.id) });
      if (row) admitted.push(row);
      if (left <= 0) break;
    }
  }
  return admitted;
}

/** Each waiting place's position and how many still wait ahead of it, pushed to its owner. */
async function pushWaiting(ctx: QueueContext, releaseId: string) {
  const p = releaseQueuePlaces;
  const waiting = await ctx.deps.db
    .select()
    .from(p)
    .where(and(eq(p.releaseId, releaseId), eq(p.status, "waiting")))
    .orderBy(asc(p.position));
  await pushPlaces(
    ctx,
    waiting.map((row, i) => [row, row.position === null ? null : i]),
  );
}

/** At the close: places still waiting or admitted are closed (orders are no longer gated by the queue). */
async function closeQueue(ctx: QueueContext, release: ReleaseRow, at: string) {
  const { db } = ctx.deps;
  const p = releaseQueuePlaces;
  const [closed, queue] = await db.batch([
    db
      .update(p)
      .set({ status: "closed", updatedAt: at })
      .where(and(eq(p.releaseId, release.id), inArray(p.status, ["waiting", "admitted"])))
      .returning(),
    db
      .update(releaseQueues)
      .set({ closedAt: at })
      .where(and(eq(releaseQueues.releaseId, release.id), isNull(releaseQueues.closedAt)))
      .returning({ id: releaseQueues.releaseId }),
  ]);
  await pushPlaces(
    ctx,
    closed.map((row) => [row, null]),
  );
  return queue.length > 0;
}

/**
 * When the queue next needs advancing by the clock (ISO-8601), or null once it is closed: its opening, the
 * first admission to expire, the first order being placed whose process may have died, or its close.
 * Orders that end unpaid lapse on the reaper's round, which the periodic job follows.
 */
export async function nextQueueDeadline(ctx: QueueContext, releaseId: string): Promise<string | null> {
  const release = await ctx.ports.release(releaseId);
  const queue = await queueRow(ctx, releaseId);
  if (queue.closedAt) return null;
  if (!queue.openedAt) return release.opensAt;
  const p = releaseQueuePlaces;
  const [next] = await ctx.deps.db
    .select({
      expiry: sql<string | null>`min(CASE WHEN ${p.status} = 'admitted' THEN ${p.admissionExpiresAt} END)`,
      ordering: sql<string | null>`min(CASE WHEN ${p.status} = 'ordering' THEN ${p.updatedAt} END)`,
    })
    .from(p)
    .where(and(eq(p.releaseId, releaseId), inArray(p.status, ["admitted", "ordering"])));
  const abandoned = next?.ordering
    ? new Date(Date.parse(next.ordering) + ORDERING_ABANDONED_MS + 1).toISOString()
    : null;
  const times = [next?.expiry ?? null, abandoned, release.closesAt].filter((t): t is string => t !== null);
  return times.sort()[0] ?? null;
}

/** The periodic job's work: every queue release that has opened and is not closed yet. */
export async function advanceDueQueues(ctx: QueueContext) {
  const now = ctx.deps.clock.now().toISOString();
  const due = await ctx.deps.db
    .select({ id: releaseQueues.releaseId })
    .from(releaseQueues)
    .innerJoin(releases, eq(releases.id, releaseQueues.releaseId))
    .where(and(isNull(releaseQueues.closedAt), lte(releases.opensAt, now)));
  let admitted = 0;
  let expired = 0;
  for (const { id } of due) {
    const r = await advanceQueue(ctx, id);
    admitted += r.admitted;
    expired += r.expired;
  }
  return { queuesAdvanced: due.length, queueAdmitted: admitted, queueExpired: expired };
}
