/**
 * What a write of a review does to what is public. Only approved reviews are public and counted: every write
 * recomputes the spirit's `rating_average`/`rating_count` from the approved reviews in the same atomic batch,
 * so the two can never drift apart (a recount, not an increment, so no sequence of edits can skew it).
 */
import { eq, sql } from "drizzle-orm";
import { spirits } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { outboxInsert } from "../events/outbox.ts";
import type { ReviewsContext } from "./reviews.context.ts";

/** The statement that counts a spirit's rating again from its approved reviews. */
export const recountRating = ({ db }: Deps, spiritId: string) =>
  db
    .update(spirits)
    .set({
      ratingAverage: sql`(SELECT round(avg(r.rating), 2) FROM reviews r WHERE r.spirit_id = ${spiritId} AND r.status = 'approved')`,
      ratingCount: sql`(SELECT count(*) FROM reviews r WHERE r.spirit_id = ${spiritId} AND r.status = 'approved')`,
    })
    .where(eq(spirits.id, spiritId));

/** After a batch with `recountRating`: the spirit's rating moved, so cached copies of it go. */
export const ratingChanged = ({ ports }: ReviewsContext, spiritId: string) =>
  ports.catalog.forgetSpirit(spiritId);

/** `review.published` when the write makes the review public (approved) for the first time. */
export const published = (
  { db }: Deps,
  reviewId: string,
  spiritId: string,
  publishes: boolean,
  at: string,
) => (publishes ? [outboxInsert(db, "review.published", reviewId, { reviewId, spiritId }, at)] : []);
