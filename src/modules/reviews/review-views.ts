/** Reviews as a viewer may see them: approved ones to all; others, and who wrote them, to their author and staff. */
import { and, eq, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { customers } from "../../db/schema/accounts.ts";
import { type ReviewRow, type ReviewStatus, reviews } from "../../db/schema/reviews.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { isStaff, type Principal } from "../../http/auth.ts";
import { publicAuthorName } from "./author-name.ts";
import type { ReviewsContext } from "./reviews.context.ts";

export type ReviewWithAuthor = ReviewRow & { author: { name: string | null; displayName: string | null } };

export type Review = {
  id: string;
  spiritId: string;
  /** `customerId` and `name` are shown to the author and staff only. */
  author: { displayName: string; customerId?: string; name?: string };
  rating: number;
  title: string | null;
  body: string;
  status: ReviewStatus;
  verifiedPurchase: boolean;
  /** Shown to the author and staff only. */
  moderation: { decidedBy: "rules" | "staff"; note: string | null; at: string | null } | null;
  createdAt: string;
  updatedAt: string;
};

const NEWEST_FIRST: Sort<ReviewRow> = {
  name: "reviews_newest",
  keys: [
    { column: reviews.createdAt, direction: "desc", value: (r) => r.createdAt },
    { column: reviews.id, direction: "desc", value: (r) => r.id },
  ],
};

export const reviewNotFound = (id: string) => new DomainError("not-found", `Review ${id} was not found.`);

export const authorColumns = { review: reviews, name: customers.name, displayName: customers.displayName };
const withAuthor = ({ db }: Deps) =>
  db.select(authorColumns).from(reviews).leftJoin(customers, eq(customers.id, reviews.customerId));
export const joinAuthor = (r: { review: ReviewRow; name: string | null; displayName: string | null }) => ({
  ...r.review,
  author: { name: r.name, displayName: r.displayName },
});

export function toReview(r: ReviewWithAuthor, viewer: Principal | undefined): Review {
  const privileged = isStaff(viewer) || viewer?.id === r.customerId;
  const displayName = publicAuthorName(r.author);
  return {
    id: r.id,
    spiritId: r.spiritId,
    author: privileged
      ? { displayName, customerId: r.customerId, name: r.author.name ?? "" }
      : { displayName },
    rating: r.rating,
    title: r.title,
    body: r.body,
    status: r.status,
    verifiedPurchase: r.verifiedPurchase,
    moderation: privileged
      ? { decidedBy: r.moderatedBy ? "staff" : "rules", note: r.moderationNote, at: r.moderatedAt }
      : null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export async function requireSpirit({ ports }: ReviewsContext, spiritId: string) {
  const spirit = await ports.catalog.findSpirit(spiritId);
  if (!spirit) throw new DomainError("not-found", `Spirit ${spiritId} was not found.`);
  return spirit;
}

export async function findReviewRow(
  { deps }: ReviewsContext,
  spiritId: string,
  reviewId: string,
): Promise<ReviewWithAuthor | undefined> {
  const [row] = await withAuthor(deps)
    .where(and(eq(reviews.id, reviewId), eq(reviews.spiritId, spiritId)))
    .limit(1);
  return row && joinAuthor(row);
}

/** A review the viewer may see: approved ones to all; others to their author and staff (else 404). */
export async function getReview(
  ctx: ReviewsContext,
  spiritId: string,
  reviewId: string,
  viewer: Principal | undefined,
) {
  const row = await findReviewRow(ctx, spiritId, reviewId);
  if (!row) throw reviewNotFound(reviewId);
  if (row.status !== "approved" && !isStaff(viewer) && viewer?.id !== row.customerId) {
    throw reviewNotFound(reviewId);
  }
  return toReview(row, viewer);
}

export async function listReviews(
  ctx: ReviewsContext,
  spiritId: string,
  params: { limit: number; cursor?: string | undefined; status?: ReviewStatus | undefined },
  viewer: Principal | undefined,
) {
  await requireSpirit(ctx, spiritId);
  const status = params.status ?? "approved";
  if (status !== "approved" && !isStaff(viewer)) {
    throw new DomainError(
      viewer ? "forbidden" : "unauthorized",
      "Only staff can list reviews that are not approved.",
    );
  }
  const where: SQL[] = [eq(reviews.spiritId, spiritId), eq(reviews.status, status)];
  if (params.cursor) where.push(afterCursor(NEWEST_FIRST, decodeCursor(NEWEST_FIRST, params.cursor)));
  return page(
    NEWEST_FIRST,
    params.limit,
    async (limit) =>
      (
        await withAuthor(ctx.deps)
          .where(and(...where))
          .orderBy(...orderByOf(NEWEST_FIRST))
          .limit(limit)
      ).map(joinAuthor),
    (r) => toReview(r, viewer),
  );
}
