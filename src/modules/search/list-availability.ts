import type { Context } from "hono";
import type { AppEnv } from "../../app-env.ts";
import type { Availability } from "../../stock/availability.ts";

/**
 * Puts each listed spirit's `available` and `stockStatus` on it, read for the whole page in one query by
 * the inventory (the owner of those figures), so a list item and `GET /inventory/{id}` agree.
 */
export async function withAvailability<P extends { items: { id: string }[] }>(
  c: Context<AppEnv>,
  page: P,
): Promise<Omit<P, "items"> & { items: (P["items"][number] & Availability)[] }> {
  const stock = await c.get("services").inventory.availability(page.items.map((s) => s.id));
  return { ...page, items: page.items.map((s) => ({ ...s, ...stock.get(s.id)! })) };
}
