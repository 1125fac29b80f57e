/** How a queue place reads to its owner and to staff, and the message pushed when it changes. */
import { and, count, eq, lt } from "drizzle-orm";
import { type QueuePlaceRow, releaseQueuePlaces } from "../../db/schema/queues.ts";
import type { QueueContext } from "./queue.context.ts";
import type { QueuePlace, StaffQueuePlace } from "./queue.schemas.ts";
import { signAdmission } from "./queue-tokens.ts";

const STATE_OF: Record<QueuePlaceRow["status"], QueuePlace["state"]> = {
  waiting: "waiting",
  admitted: "admitted",
  // An order being placed with the admission: still the owner's admission until it is placed or refused.
  ordering: "admitted",
  done: "done",
  expired: "expired",
  lapsed: "expired",
  left: "left",
  void: "void",
  closed: "closed",
};

/** Places still waiting ahead of a waiting place (null when it has no position yet). */
export async function aheadOf(ctx: QueueContext, row: QueuePlaceRow): Promise<number | null> {
  if (row.status !== "waiting" || row.position === null) return null;
  const [r] = await ctx.deps.db
    .select({ n: count() })
    .from(releaseQueuePlaces)
    .where(
      and(
        eq(releaseQueuePlaces.releaseId, row.releaseId),
        eq(releaseQueuePlaces.status, "waiting"),
        lt(releaseQueuePlaces.position, row.position),
      ),
    );
  return r?.n ?? 0;
}

function common(row: QueuePlaceRow, ahead: number | null) {
  return {
    id: row.id,
    releaseId: row.releaseId,
    state: STATE_OF[row.status],
    position: row.position,
    ahead,
    joinedAt: row.joinedAt,
    admittedQuantity: row.admittedQuantity,
    admissionExpiresAt: row.admissionExpiresAt,
    orderId: row.status === "done" || row.status === "lapsed" ? row.orderId : null,
    updatedAt: row.updatedAt,
  };
}

/** The owner's view; an admission still open carries its token (signed again, the same each time). */
export async function placeView(
  ctx: QueueContext,
  row: QueuePlaceRow,
  ahead?: number | null,
): Promise<QueuePlace> {
  const open =
    row.status === "admitted" &&
    row.admittedAt !== null &&
    row.admissionExpiresAt !== null &&
    row.admissionExpiresAt > ctx.deps.clock.now().toISOString();
  const token = open
    ? await signAdmission(
        ctx.key,
        { customerId: row.customerId, releaseId: row.releaseId, placeId: row.id },
        row.admittedAt!,
        row.admissionExpiresAt!,
      )
    : null;
  return {
    ...common(row, ahead === undefined ? await aheadOf(ctx, row) : ahead),
    admissionToken: token,
  };
}

export function staffPlaceView(row: QueuePlaceRow, ahead: number | null): StaffQueuePlace {
  return { ...common(row, ahead), customerId: row.customerId, status: row.status, note: row.note };
}

/**
 * Tells each owner's live sockets what their place is now, in one push for them all (on Workers that is
 * one call per shard of sockets, not one per place).
 */
export async function pushPlaces(ctx: QueueContext, places: [row: QueuePlaceRow, ahead: number | null][]) {
  if (!places.length) return;
  try {
    const messages = await Promise.all(
      places.map(async ([row, ahead]) => ({
        customerId: row.customerId,
        message: { type: "queue" as const, place: await placeView(ctx, row, ahead) },
      })),
    );
    await ctx.ports.push(messages);
  } catch (err) {
    ctx.deps.logger.log("warn", { msg: "queue push failed", places: places.length, err: String(err) });
  }
}
