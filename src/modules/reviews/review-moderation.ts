/** Staff's side of moderation: the queue of reviews across spirits, and the decision on one. */
import { and, eq, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { customers } from "../../db/schema/accounts.ts";
import { spirits } from "../../db/schema/catalog.ts";
import { type ReviewRow, type ReviewStatus, reviews } from "../../db/schema/reviews.ts";
import type { Principal } from "../../http/auth.ts";
import { published, ratingChanged, recountRating } from "./review-publication.ts";
import {
  authorColumns,
  findReviewRow,
  getReview,
  joinAuthor,
  reviewNotFound,
  toReview,
} from "./review-views.ts";
import type { ReviewsContext } from "./reviews.context.ts";

export type ModerationDecision = { decision: "approve" | "reject"; note?: string | undefined };

export type ReviewQueueQuery = {
  status: ReviewStatus;
  spiritId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
};

/** The moderation queue: whoever has waited longest comes first. */
const OLDEST_FIRST: Sort<ReviewRow> = {
  name: "reviews_oldest",
  keys: [
    { column: reviews.createdAt, direction: "asc", value: (r) => r.createdAt },
    { column: reviews.id, direction: "asc", value: (r) => r.id },
  ],
};

/** Reviews across spirits for staff to moderate, oldest first, each with its spirit's id and name. */
export async function listReviewQueue({ deps }: ReviewsContext, query: ReviewQueueQuery, staff: Principal) {
  const where: SQL[] = [eq(reviews.status, query.status)];
  if (query.spiritId) where.push(eq(reviews.spiritId, query.spiritId));
  if (query.cursor) where.push(afterCursor(OLDEST_FIRST, decodeCursor(OLDEST_FIRST, query.cursor)));
  return page(
    OLDEST_FIRST,
    query.limit,
    async (limit) =>
      (
        await deps.db
          .select({ ...authorColumns, spiritName: spirits.name })
          .from(reviews)
          .innerJoin(spirits, eq(spirits.id, reviews.spiritId))
          .leftJoin(customers, eq(customers.id, reviews.customerId))
          .where(and(...where))
          .orderBy(...orderByOf(OLDEST_FIRST))
          .limit(limit)
      ).map((r) => ({ ...joinAuthor(r), spiritName: r.spiritName })),
    (r) => ({ ...toReview(r, staff), spirit: { id: r.spiritId, name: r.spiritName } }),
  );
}

export async function moderateReview(
  ctx: ReviewsContext,
  spiritId: string,
  reviewId: string,
  staff: Principal,
  decision: ModerationDecision,
) {
  const { deps } = ctx;
  const { db, clock } = deps;
  const row = await findReviewRow(ctx, spiritId, reviewId);
  if (!row) throw reviewNotFound(reviewId);
  const now = clock.now().toISOString();
  const status: ReviewStatus = decision.decision === "approve" ? "approved" : "rejected";
  await db.batch([
    db
      .update(reviews)
      .set({
        status,
        moderationNote: decision.note ?? null,
        moderatedBy: staff.id,
        moderatedAt: now,
        updatedAt: now,
      })
      .where(eq(reviews.id, reviewId)),
    recountRating(deps, spiritId),
    ...published(deps, reviewId, spiritId, status === "approved" && row.status !== "approved", now),
    ctx.ports.audit.entry({
      actorId: staff.id,
      action: `review.${status}`,
      subject: reviewId,
      detail: { spiritId, previousStatus: row.status, note: decision.note ?? null },
    }),
  ]);
  ratingChanged(ctx, spiritId);
  return getReview(ctx, spiritId, reviewId, staff);
}
