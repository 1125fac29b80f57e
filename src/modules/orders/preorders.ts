import { inArray } from "drizzle-orm";
import { orders } from "../../db/schema/orders.ts";
import { DomainError } from "../../domain-error.ts";
import { readWaitingClaims, spiritsWithWaitingClaims } from "../../stock/order-stock.ts";
import { DEFAULT_HOLD_MINUTES, type OrdersContext } from "./orders.context.ts";
import { isReleased } from "./orders.ports.ts";
import { transition } from "./orders.records.ts";

/**
 * The release of a spirit: its waiting pre-orders, first come first served, become holds with a payment
 * window (the spirit's hold time) while stock lasts; the others keep waiting.
 */
export async function releasePreorders(ctx: OrdersContext, spiritId: string, actorId: string | null) {
  const { deps, ports } = ctx;
  const spirit = await ports.findSpirit(spiritId);
  if (!spirit) throw new DomainError("not-found", `Spirit ${spiritId} was not found.`);
  const claims = await readWaitingClaims(deps.client, spiritId);
  const byOrder = new Map<string, typeof claims>();
  for (const c of claims) byOrder.set(c.orderId, [...(byOrder.get(c.orderId) ?? []), c]);
  if (byOrder.size === 0) return { spiritId, converted: 0, waiting: 0 };
  const rows = await deps.db
    .select()
    .from(orders)
    .where(inArray(orders.id, [...byOrder.keys()]));
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const expiresAt = new Date(
    now.getTime() + (spirit.holdMinutes ?? DEFAULT_HOLD_MINUTES) * 60_000,
  ).toISOString();
  const requests = [];
  for (const [orderId, own] of byOrder) {
    const row = rows.find((r) => r.id === orderId);
    if (!row) continue;
    requests.push({
      orderId,
      customerId: row.customerId,
      lines: own.map((c) => ({
        lineId: c.lineId,
        quantity: c.quantity,
        batchId: c.batchId,
        variantId: c.variantId,
      })),
      // A destination no location serves any more leaves the pre-order waiting (no location may give).
      shipFrom: await ports.locationsShippingTo(row.shippingCountry, row.shippingRegion),
    });
  }
  // Submitted together, in claim order: the spirit's queue keeps that order.
  const outcomes = await Promise.all(
    requests.map((r) =>
      deps.stock.submit({
        type: "hold",
        fromPreorder: true,
        spiritId,
        orderId: r.orderId,
        customerId: r.customerId,
        actorId,
        lines: r.lines,
        expiresAt,
        maxPerCustomer: null,
        preferredLocationIds: [],
        onlyLocationIds: r.shipFrom,
        attach: transition(r.orderId, "release", {
          actorId,
          note: "released: stock held until payment",
          now: nowIso,
          expiresAt,
        }),
      }),
    ),
  );
  const converted = outcomes.filter((o) => o.ok).length;
  return { spiritId, converted, waiting: byOrder.size - converted };
}

/** Buyers arriving together at a released spirit trigger one release between them, not one each. */
export function releaseOnce(ctx: OrdersContext, spiritId: string) {
  const { running } = ctx.preorders;
  let release = running.get(spiritId);
  if (!release) {
    release = releasePreorders(ctx, spiritId, null).finally(() => running.delete(spiritId));
    running.set(spiritId, release);
  }
  return release;
}

/** Released spirits with waiting pre-orders: try again whenever their stock changed since the last try. */
export async function releaseDuePreorders(ctx: OrdersContext): Promise<number> {
  const { deps, ports, preorders } = ctx;
  let converted = 0;
  for (const spiritId of await spiritsWithWaitingClaims(deps.client)) {
    const spirit = await ports.findSpirit(spiritId);
    if (!spirit || !isReleased(spirit, deps.clock.now())) continue;
    const version = (await deps.stock.snapshot(spiritId)).version;
    if (preorders.triedAt.get(spiritId) === version) continue;
    const result = await releasePreorders(ctx, spiritId, null);
    converted += result.converted;
    preorders.triedAt.set(spiritId, (await deps.stock.snapshot(spiritId)).version);
  }
  return converted;
}
