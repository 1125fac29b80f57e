import { and, eq, type SQL, sql } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { customers } from "../../db/schema/accounts.ts";
import { spirits } from "../../db/schema/catalog.ts";
import { type ReviewRow, type ReviewStatus, reviews } from "../../db/schema/reviews.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { isStaff, type Principal } from "../../http/auth.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import { outboxInsert } from "../events/outbox.ts";
import type { InteractionsService } from "../interactions/interactions.service.ts";
import type { PurchasesService } from "../interactions/purchases.service.ts";
import { publicAuthorName } from "./author-name.ts";
import { createModerationRules } from "./moderation-rules.ts";

export type ReviewInput = { rating: number; title?: string | null | undefined; body: string };
export type ModerationDecision = { decision: "approve" | "reject"; note?: string | undefined };

type ReviewWithAuthor = ReviewRow & { author: { name: string | null; displayName: string | null } };

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

/** The moderation queue: whoever has waited longest comes first. */
const OLDEST_FIRST: Sort<ReviewRow> = {
  name: "reviews_oldest",
  keys: [
    { column: reviews.createdAt, direction: "asc", value: (r) => r.createdAt },
    { column: reviews.id, direction: "asc", value: (r) => r.id },
  ],
};

export type ReviewQueueQuery = {
  status: ReviewStatus;
  spiritId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
};

const reviewNotFound = (id: string) => new DomainError("not-found", `Review ${id} was not found.`);

/**
 * Reviews of spirits. Only approved reviews are public and counted: every write recomputes the spirit's
 * `rating_average`/`rating_count` from the approved reviews in the same atomic batch, so the two can
 * never drift apart (a recount, not an increment, so no sequence of edits can skew it).
 */
export function createReviewsService(
  deps: Deps,
  ports: {
    catalog: CatalogService;
    purchases: PurchasesService;
    interactions: InteractionsService;
    audit: AuditService;
  },
) {
  const { db, clock } = deps;
  /** `review.published` when the write makes the review public (approved) for the first time. */
  const published = (reviewId: string, spiritId: string, publishes: boolean, at: string) =>
    publishes ? [outboxInsert(db, "review.published", reviewId, { reviewId, spiritId }, at)] : [];
  const moderate = createModerationRules(deps.config.REVIEW_BANNED_WORDS);

  const recountRating = (spiritId: string) =>
    db
      .update(spirits)
      .set({
        ratingAverage: sql`(SELECT round(avg(r.rating), 2) FROM reviews r WHERE r.spirit_id = ${spiritId} AND r.status = 'approved')`,
        ratingCount: sql`(SELECT count(*) FROM reviews r WHERE r.spirit_id = ${spiritId} AND r.status = 'approved')`,
      })
      .where(eq(spirits.id, spiritId));

  /** After a batch with `recountRating`: the spirit's rating moved, so cached copies of it go. */
  const ratingChanged = (spiritId: string) => ports.catalog.forgetSpirit(spiritId);

  const authorColumns = { review: reviews, name: customers.name, displayName: customers.displayName };
  const withAuthor = () =>
    db.select(authorColumns).from(reviews).leftJoin(customers, eq(customers.id, reviews.customerId));
  const joinAuthor = (r: { review: ReviewRow; name: string | null; displayName: string | null }) => ({
    ...r.review,
    author: { name: r.name, displayName: r.displayName },
  });

  function toReview(r: ReviewWithAuthor, viewer: Principal | undefined): Review {
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

  async function requireSpirit(spiritId: string) {
    const spirit = await ports.catalog.findSpirit(spiritId);
    if (!spirit) throw new DomainError("not-found", `Spirit ${spiritId} was not found.`);
    return spirit;
  }

  async function findRow(spiritId: string, reviewId: string): Promise<ReviewWithAuthor | undefined> {
    const [row] = await withAuthor()
      .where(and(eq(reviews.id, reviewId), eq(reviews.spiritId, spiritId)))
      .limit(1);
    return row && joinAuthor(row);
  }

  /** A review the viewer may see: approved ones to all; others to their author and staff (else 404). */
  async function getReview(spiritId: string, reviewId: string, viewer: Principal | undefined) {
    const row = await findRow(spiritId, reviewId);
    if (!row) throw reviewNotFound(reviewId);
    if (row.status !== "approved" && !isStaff(viewer) && viewer?.id !== row.customerId) {
      throw reviewNotFound(reviewId);
    }
    return toReview(row, viewer);
  }

  async function listReviews(
    spiritId: string,
    params: { limit: number; cursor?: string | undefined; status?: ReviewStatus | undefined },
    viewer: Principal | undefined,
  ) {
    await requireSpirit(spiritId);
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
          await withAuthor()
            .where(and(...where))
            .orderBy(...orderByOf(NEWEST_FIRST))
            .limit(limit)
        ).map(joinAuthor),
      (r) => toReview(r, viewer),
    );
  }

  /** Reviews across spirits for staff to moderate, oldest first, each with its spirit's id and name. */
  async function listReviewQueue(query: ReviewQueueQuery, staff: Principal) {
    const where: SQL[] = [eq(reviews.status, query.status)];
    if (query.spiritId) where.push(eq(reviews.spiritId, query.spiritId));
    if (query.cursor) where.push(afterCursor(OLDEST_FIRST, decodeCursor(OLDEST_FIRST, query.cursor)));
    return page(
      OLDEST_FIRST,
      query.limit,
      async (limit) =>
        (
          await db
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

  const reviewSignal = (row: { customerId: string; spiritId: string; rating: number; id: string }) =>
    ports.interactions.entries([
      {
        customerId: row.customerId,
        kind: "review",
        spiritId: row.spiritId,
        value: row.rating,
        detail: { reviewId: row.id },
      },
    ]);

  async function createReview(spiritId: string, author: Principal, input: ReviewInput) {
    await requireSpirit(spiritId);
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
    const verdict = moderate(input);
    const row: ReviewRow = {
      id: newId("rev"),
      spiritId,
      customerId: author.id,
      rating: input.rating,
      title: input.title ?? null,
      body: input.body,
      status: verdict.status,
      verifiedPurchase: await ports.purchases.hasBought(author.id, spiritId),
      moderationNote: verdict.reasons.length ? `Held for staff: ${verdict.reasons.join("; ")}.` : null,
      moderatedBy: null,
      moderatedAt: now,
      createdAt: now,
      updatedAt: now,
    };
    const signal = reviewSignal(row);
    try {
      await db.batch([
        db.insert(reviews).values(row),
        recountRating(spiritId),
        signal.insert,
        ...signal.enqueue,
        ...published(row.id, spiritId, row.status === "approved", now),
      ]);
    } catch (err) {
      // Two posts at once: the unique index lets one through.
      if (String((err as Error)?.message).includes("UNIQUE")) throw duplicate(undefined);
      throw err;
    }
    ratingChanged(spiritId);
    return getReview(spiritId, row.id, author);
  }

  async function requireEditable(spiritId: string, reviewId: string, actor: Principal) {
    const row = await findRow(spiritId, reviewId);
    // Someone else's review is as good as absent, so ids cannot be probed.
    if (!row || (row.customerId !== actor.id && !isStaff(actor))) throw reviewNotFound(reviewId);
    return row;
  }

  async function updateReview(spiritId: string, reviewId: string, actor: Principal, input: ReviewInput) {
    const row = await requireEditable(spiritId, reviewId, actor);
    const now = clock.now().toISOString();
    const verdict = moderate(input);
    const reasons = [...verdict.reasons];
    // A review staff rejected does not come back by itself: the author's edit goes to a person again.
    if (row.status === "rejected" && row.moderatedBy && !isStaff(actor))
      reasons.push("edited after rejection");
    const status: ReviewStatus = reasons.length ? "pending" : "approved";
    const signal = reviewSignal({ ...row, rating: input.rating });
    await db.batch([
      db
        .update(reviews)
        .set({
          rating: input.rating,
          title: input.title ?? null,
          body: input.body,
          status,
          verifiedPurchase: await ports.purchases.hasBought(row.customerId, spiritId),
          moderationNote: reasons.length ? `Held for staff: ${reasons.join("; ")}.` : null,
          moderatedBy: null,
          moderatedAt: now,
          updatedAt: now,
        })
        .where(eq(reviews.id, reviewId)),
      recountRating(spiritId),
      signal.insert,
      ...signal.enqueue,
      ...published(reviewId, spiritId, status === "approved" && row.status !== "approved", now),
      ...(actor.id !== row.customerId
        ? [
            ports.audit.entry({
              actorId: actor.id,
              action: "review.edited_by_staff",
              subject: reviewId,
              detail: { spiritId, customerId: row.customerId },
            }),
          ]
        : []),
    ]);
    ratingChanged(spiritId);
    return getReview(spiritId, reviewId, actor);
  }

  async function deleteReview(spiritId: string, reviewId: string, actor: Principal) {
    const row = await requireEditable(spiritId, reviewId, actor);
    await db.batch([
      db.delete(reviews).where(eq(reviews.id, reviewId)),
      recountRating(spiritId),
      // The author's rating leaves their recommendations' model with the review.
      ports.interactions.refreshQueued(row.customerId, "review-deleted"),
      ...(actor.id !== row.customerId
        ? [
            ports.audit.entry({
              actorId: actor.id,
              action: "review.deleted_by_staff",
              subject: reviewId,
              detail: { spiritId, customerId: row.customerId, rating: row.rating },
            }),
          ]
        : []),
    ]);
    ratingChanged(spiritId);
  }

  async function moderateReview(
    spiritId: string,
    reviewId: string,
    staff: Principal,
    decision: ModerationDecision,
  ) {
    const row = await findRow(spiritId, reviewId);
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
      recountRating(spiritId),
      ...published(reviewId, spiritId, status === "approved" && row.status !== "approved", now),
      ports.audit.entry({
        actorId: staff.id,
        action: `review.${status}`,
        subject: reviewId,
        detail: { spiritId, previousStatus: row.status, note: decision.note ?? null },
      }),
    ]);
    ratingChanged(spiritId);
    return getReview(spiritId, reviewId, staff);
  }

  return {
    /** The automatic first pass over free text, for other modules' texts that are moderated like reviews. */
    moderate,
    /** The statement that counts a spirit's rating again from its approved reviews (for erasure's batch). */
    recountRating,
    listReviews,
    listReviewQueue,
    getReview,
    createReview,
    updateReview,
    deleteReview,
    moderateReview,
  };
}

export type ReviewsService = ReturnType<typeof createReviewsService>;
