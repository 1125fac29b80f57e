/** A customer's wishlist, newest first, each item with what the catalog says of its spirit; and demand counts. */
import { and, count, eq, inArray, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { wishlistItems } from "../../db/schema/accounts.ts";
import type { CustomersContext } from "./customers.context.ts";
import type { WishlistItem, WishlistSpirit } from "./customers.schemas.ts";
import { requireCustomer } from "./profile-views.ts";

type WishlistRow = typeof wishlistItems.$inferSelect;

const NEWEST: Sort<WishlistRow> = {
  name: "wishlist_newest",
  keys: [
    { column: wishlistItems.addedAt, direction: "desc", value: (r) => r.addedAt },
    { column: wishlistItems.spiritId, direction: "desc", value: (r) => r.spiritId },
  ],
};

export async function summaryOf(
  { ports }: CustomersContext,
  spiritId: string,
): Promise<WishlistSpirit | null> {
  const spirit = await ports.catalog.findSpirit(spiritId);
  if (!spirit) return null;
  return {
    id: spirit.id,
    name: spirit.name,
    brand: spirit.brand,
    type: spirit.type,
    status: spirit.status,
    price: { amountMinor: spirit.price.amountMinor, currency: spirit.price.currency },
    imageUrl: spirit.media.find((m) => m.kind === "image")?.url ?? null,
  };
}

export const toItem = async (ctx: CustomersContext, row: WishlistRow): Promise<WishlistItem> => ({
  spiritId: row.spiritId,
  addedAt: row.addedAt,
  spirit: await summaryOf(ctx, row.spiritId),
});

export async function listWishlist(
  ctx: CustomersContext,
  customerId: string,
  query: { limit: number; cursor?: string },
) {
  await requireCustomer(ctx, customerId);
  const conditions: SQL[] = [eq(wishlistItems.customerId, customerId)];
  if (query.cursor) conditions.push(afterCursor(NEWEST, decodeCursor(NEWEST, query.cursor)));
  const result = await page(
    NEWEST,
    query.limit,
    (limit) =>
      ctx.deps.db
        .select()
        .from(wishlistItems)
        .where(and(...conditions))
        .orderBy(...orderByOf(NEWEST))
        .limit(limit),
    (row) => row,
  );
  return {
    items: await Promise.all(result.items.map((row) => toItem(ctx, row))),
    nextCursor: result.nextCursor,
  };
}

/** How many customers wish for each spirit (demand insight). */
export async function wishlistCounts(
  { deps: { db } }: CustomersContext,
  spiritIds: string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < spiritIds.length; i += 500) {
    const rows = await db
      .select({ spiritId: wishlistItems.spiritId, n: count() })
      .from(wishlistItems)
      .where(inArray(wishlistItems.spiritId, spiritIds.slice(i, i + 500)))
      .groupBy(wishlistItems.spiritId);
    for (const r of rows) counts.set(r.spiritId, r.n);
  }
  return counts;
}
