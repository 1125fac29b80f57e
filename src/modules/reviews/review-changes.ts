/**
 * An author's writes of their review: posting one per spirit, editing, deleting (staff may edit and delete
 * too, leaving an audit entry). Each write passes the moderation rules and recounts the spirit's rating.
 */
import { and, eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { type ReviewRow, type ReviewStatus, reviews } from "../../db/schema/reviews.ts";
import { DomainError } from "../../domain-error.ts";
import { isStaff, type Principal } from "../../http/auth.ts";
import { published, ratingChanged, recountRating } from "./review-publication.ts";
import { findReviewRow, getReview, requireSpirit, reviewNotFound } from "./review-views.ts";
import type { ReviewsContext } from "./reviews.context.ts";

export type ReviewInput = { rating: number; title?: string | null | undefined; body: string };

const reviewSignal = (
  { ports }: ReviewsContext,
  row: { customerId: string; spiritId: string; rating: number; id: string },
) =>
  ports.interactions.entries([
    {
      customerId: row.customerId,
      kind: "review",
      spiritId: row.spiritId,
      value: row.rating,
      detail: { reviewId: row.id },
    },
  ]);

export async function createReview(
  ctx: ReviewsContext,
  spiritId: string,
  author: Principal,
  input: ReviewInput,
) {
  const { deps } = ctx;
  const { db, clock } = deps;
  await requireSpirit(ctx, spiritId);
  const existing = await db.query.reviews.findFirst({
    where: and(eq(reviews.spiritId, spiritId), eq(reviews.customerId, author.id)),
    columns: { id: true },
  });
  const duplicate = (id: string | undefined) =>
    new DomainError("review-exists", "You have already reviewed this spirit; change that review instead.", {
      extra: id ? { reviewId: id } : {},
    });
  if (existing) throw duplicate(existing.id);

  const now = clock.now().toISOString();
  const verdict = ctx.moderate(input);
  const row: ReviewRow = {
    id: newId("rev"),
    spiritId,
    customerId: author.id,
    rating: input.rating,
    title: input.title ?? null,
    body: input.body,
    status: verdict.status,
    verifiedPurchase: await ctx.ports.purchases.hasBought(author.id, spiritId),
    moderationNote: verdict.reasons.length ? `Held for staff: ${verdict.reasons.join("; ")}.` : null,
    moderatedBy: null,
    moderatedAt: now,
    createdAt: now,
    updatedAt: now,
  };
  const signal = reviewSignal(ctx, row);
  try {
    await db.batch([
      db.insert(reviews).values(row),
      recountRating(deps, spiritId),
      signal.insert,
      ...signal.enqueue,
      ...published(deps, row.id, spiritId, row.status === "approved", now),
    ]);
  } catch (err) {
    // Two posts at once: the unique index lets one through.
    if (String((err as Error)?.message).includes("UNIQUE")) throw duplicate(undefined);
    throw err;
  }
  ratingChanged(ctx, spiritId);
  return getReview(ctx, spiritId, row.id, author);
}

async function requireEditable(ctx: ReviewsContext, spiritId: string, reviewId: string, actor: Principal) {
  const row = await findReviewRow(ctx, spiritId, reviewId);
  // Someone else's review is as good as absent, so ids cannot be probed.
  if (!row || (row.customerId !== actor.id && !isStaff(actor))) throw reviewNotFound(reviewId);
  return row;
}

export async function updateReview(
  ctx: ReviewsContext,
  spiritId: string,
  reviewId: string,
  actor: Principal,
  input: ReviewInput,
) {
  const { deps } = ctx;
  const { db, clock } = deps;
  const row = await requireEditable(ctx, spiritId, reviewId, actor);
  const now = clock.now().toISOString();
  const verdict = ctx.moderate(input);
  const reasons = [...verdict.reasons];
  // A review staff rejected does not come back by itself: the author's edit goes to a person again.
  if (row.status === "rejected" && row.moderatedBy && !isStaff(actor)) reasons.push("edited after rejection");
  const status: ReviewStatus = reasons.length ? "pending" : "approved";
  const signal = reviewSignal(ctx, { ...row, rating: input.rating });
  await db.batch([
    db
      .update(reviews)
      .set({
        rating: input.rating,
        title: input.title ?? null,
        body: input.body,
        status,
        verifiedPurchase: await ctx.ports.purchases.hasBought(row.customerId, spiritId),
        moderationNote: reasons.length ? `Held for staff: ${reasons.join("; ")}.` : null,
        moderatedBy: null,
        moderatedAt: now,
        updatedAt: now,
      })
      .where(eq(reviews.id, reviewId)),
    recountRating(deps, spiritId),
    signal.insert,
    ...signal.enqueue,
    ...published(deps, reviewId, spiritId, status === "approved" && row.status !== "approved", now),
    ...(actor.id !== row.customerId
      ? [
          ctx.ports.audit.entry({
            actorId: actor.id,
            action: "review.edited_by_staff",
            subject: reviewId,
            detail: { spiritId, customerId: row.customerId },
          }),
        ]
      : []),
  ]);
  ratingChanged(ctx, spiritId);
  return getReview(ctx, spiritId, reviewId, actor);
}

export async function deleteReview(
  ctx: ReviewsContext,
  spiritId: string,
  reviewId: string,
  actor: Principal,
) {
  const { deps } = ctx;
  const { db } = deps;
  const row = await requireEditable(ctx, spiritId, reviewId, actor);
  await db.batch([
    db.delete(reviews).where(eq(reviews.id, reviewId)),
    recountRating(deps, spiritId),
    // The author's rating leaves their recommendations' model with the review.
    ctx.ports.interactions.refreshQueued(row.customerId, "review-deleted"),
    ...(actor.id !== row.customerId
      ? [
          ctx.ports.audit.entry({
            actorId: actor.id,
            action: "review.deleted_by_staff",
            subject: reviewId,
            detail: { spiritId, customerId: row.customerId, rating: row.rating },
          }),
        ]
      : []),
  ]);
  ratingChanged(ctx, spiritId);
}
