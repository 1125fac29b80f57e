/** Adding a spirit to a customer's wishlist and removing one: both idempotent, both signalled to the recommender. */
import { and, count, eq } from "drizzle-orm";
import { wishlistItems } from "../../db/schema/accounts.ts";
import { DomainError, invalidFields } from "../../domain-error.ts";
import { type CustomersContext, signal } from "./customers.context.ts";
import { MAX_WISHLIST_ITEMS, type WishlistItem } from "./customers.schemas.ts";
import { requireCustomer } from "./profile-views.ts";
import { summaryOf, toItem } from "./wishlist-views.ts";

/**
 * Adds a spirit; adding one that is already there changes nothing and answers the existing item
 * (`created: false`). The spirit must exist and not be archived.
 */
export async function addToWishlist(
  ctx: CustomersContext,
  customerId: string,
  spiritId: string,
): Promise<{ item: WishlistItem; created: boolean }> {
  const { db, clock } = ctx.deps;
  await requireCustomer(ctx, customerId);
  const existing = await db.query.wishlistItems.findFirst({
    where: and(eq(wishlistItems.customerId, customerId), eq(wishlistItems.spiritId, spiritId)),
  });
  if (existing) return { item: await toItem(ctx, existing), created: false };

  const spirit = await summaryOf(ctx, spiritId);
  if (!spirit) throw invalidFields([{ path: "spiritId", message: "names no spirit in the catalog" }]);
  if (spirit.status === "archived") {
    throw invalidFields([
      { path: "spiritId", message: "names an archived spirit, which can no longer be wished for" },
    ]);
  }
  const [size] = await db
    .select({ n: count() })
    .from(wishlistItems)
    .where(eq(wishlistItems.customerId, customerId));
  if ((size?.n ?? 0) >= MAX_WISHLIST_ITEMS) {
    throw new DomainError(
      "wishlist-full",
      `A wishlist holds at most ${MAX_WISHLIST_ITEMS} spirits; remove some first.`,
    );
  }
  const row = { customerId, spiritId, addedAt: clock.now().toISOString() };
  // A concurrent add of the same spirit wins the unique index; this one then answers its row.
  const inserted = await db.insert(wishlistItems).values(row).onConflictDoNothing().returning();
  if (inserted.length) {
    await signal(ctx, "a wishlist change", () =>
      ctx.ports.signals?.recordWishlistChange(customerId, spiritId, "added"),
    );
    return { item: { spiritId, addedAt: row.addedAt, spirit }, created: true };
  }
  const winner = await db.query.wishlistItems.findFirst({
    where: and(eq(wishlistItems.customerId, customerId), eq(wishlistItems.spiritId, spiritId)),
  });
  return { item: { spiritId, addedAt: winner?.addedAt ?? row.addedAt, spirit }, created: false };
}

/** Removes a spirit; removing one that is not there is fine (idempotent). */
export async function removeFromWishlist(
  ctx: CustomersContext,
  customerId: string,
  spiritId: string,
): Promise<void> {
  await requireCustomer(ctx, customerId);
  const removed = await ctx.deps.db
    .delete(wishlistItems)
    .where(and(eq(wishlistItems.customerId, customerId), eq(wishlistItems.spiritId, spiritId)))
    .returning({ spiritId: wishlistItems.spiritId });
  if (removed.length) {
    await signal(ctx, "a wishlist change", () =>
      ctx.ports.signals?.recordWishlistChange(customerId, spiritId, "removed"),
    );
  }
}
