import { newId } from "../../db/ids.ts";
import { DomainError, type FieldIssue } from "../../domain-error.ts";
import type { Attachment, HoldView } from "../../stock/coordinator.ts";
import type { Guard } from "../../stock/ledger.ts";
import { readWaitingClaims } from "../../stock/order-stock.ts";
import { loadVariants, unitPrice } from "./order-variants.ts";
import { type Actor, DEFAULT_HOLD_MINUTES, type OrdersContext } from "./orders.context.ts";
import { isReleased, type SpiritForOrder } from "./orders.ports.ts";
import { refusalProblem } from "./orders.problems.ts";
import { insertOrder, type NewOrder, placedOrderView } from "./orders.records.ts";
import type { CreateOrderInput, Order } from "./orders.schemas.ts";
import { releaseOnce } from "./preorders.ts";

async function loadSpirits({ ports }: OrdersContext, input: CreateOrderInput) {
  const spirits = new Map<string, SpiritForOrder>();
  const errors: FieldIssue[] = [];
  for (const [i, item] of input.items.entries()) {
    let spirit = spirits.get(item.spiritId);
    if (!spirit) {
      spirit = await ports.findSpirit(item.spiritId);
      if (!spirit) {
        errors.push({ path: `items.${i}.spiritId`, message: `no spirit ${item.spiritId}` });
        continue;
      }
      spirits.set(spirit.id, spirit);
    }
    if (item.batchId && !(await ports.batchExists(item.spiritId, item.batchId))) {
      errors.push({ path: `items.${i}.batchId`, message: `no batch ${item.batchId} of this spirit` });
    }
  }
  if (errors.length) {
    throw new DomainError(
      "validation",
      `The order names ${errors.length} unknown item${errors.length === 1 ? "" : "s"}.`,
      { errors },
    );
  }
  return spirits;
}

/** Same spirit, batch and variant twice in one order: one line with the quantities added up. */
function mergeItems(input: CreateOrderInput) {
  type Line = { spiritId: string; batchId: string | null; variantId: string | null; quantity: number };
  const lines = new Map<string, Line>();
  for (const item of input.items) {
    const key = `${item.spiritId}\u0000${item.batchId ?? ""}\u0000${item.variantId ?? ""}`;
    const line = lines.get(key) ?? {
      spiritId: item.spiritId,
      batchId: item.batchId ?? null,
      variantId: item.variantId ?? null,
      quantity: 0,
    };
    line.quantity += item.quantity;
    lines.set(key, line);
  }
  return [...lines.values()];
}

/** Refuses what cannot be ordered together or at all; returns the spirits that are pre-ordered. */
function checkSaleable(spirits: Map<string, SpiritForOrder>, now: Date): SpiritForOrder[] {
  const currencies = new Set([...spirits.values()].map((s) => s.price.currency));
  if (currencies.size > 1) {
    throw new DomainError(
      "mixed-currency",
      `The spirits are priced in different currencies (${[...currencies].join(", ")}); order them separately.`,
    );
  }
  const preordering: SpiritForOrder[] = [];
  for (const spirit of spirits.values()) {
    if (spirit.status === "archived") {
      throw new DomainError("not-on-sale", `${spirit.name} is no longer sold.`, {
        extra: { spiritId: spirit.id },
      });
    }
    if (isReleased(spirit, now)) continue;
    if (!spirit.preorderAllocation) {
      throw new DomainError(
        "not-on-sale",
        `${spirit.name} is not on sale yet${spirit.releaseDate ? ` (release ${spirit.releaseDate})` : ""}.`,
        { extra: { spiritId: spirit.id, releaseDate: spirit.releaseDate } },
      );
    }
    preordering.push(spirit);
  }
  if (preordering.length && spirits.size > 1) {
    throw new DomainError(
      "preorder-alone",
      "A pre-order is for one spirit only; order the others separately.",
    );
  }
  return preordering;
}

/**
 * The latecomers of a drop: when the coordinator knows the stock cannot cover the order, say so before
 * the costlier checks. Only a hint for refusing early; the coordinator still decides every hold.
 */
function refuseKnownSoldOut(
  { deps }: OrdersContext,
  spirits: Map<string, SpiritForOrder>,
  input: CreateOrderInput,
  preordering: SpiritForOrder[],
) {
  for (const spirit of spirits.values()) {
    if (preordering.includes(spirit)) continue;
    const known = deps.stock.knownAvailable?.(spirit.id);
    if (known === undefined) continue;
    const wanted = input.items.filter((i) => i.spiritId === spirit.id).reduce((n, i) => n + i.quantity, 0);
    if (known < wanted) {
      // Counted as the coordinator counts its own refusals: a sold-out answer is one either way.
      deps.metrics?.inc("angelshare_stock_refusals_total", { code: "sold-out" });
      throw refusalProblem(
        {
          ok: false,
          code: "sold-out",
          detail: "",
          extra: { spiritId: spirit.id, batchId: null, available: known, requested: wanted },
        },
        spirit,
      );
    }
  }
}

/** A spirit in a live release: its rules again, and the release's limit if it is the tighter one. */
async function applyReleaseGates(
  { ports }: OrdersContext,
  spirits: Map<string, SpiritForOrder>,
  customerId: string,
  now: Date,
  grant: string | undefined,
  admission: { token: string | undefined; orderId: string },
) {
  if (!ports.releaseGate) return;
  for (const [id, spirit] of spirits) {
    const gate = await ports.releaseGate(id, customerId, now, grant, admission);
    if (!gate) continue;
    const { limit, guard } = gate;
    const tighter = limit !== null && (spirit.maxPerCustomer === null || limit < spirit.maxPerCustomer);
    spirits.set(id, {
      ...spirit,
      ...(tighter ? { maxPerCustomer: limit } : {}),
      ...(guard ? { releaseGuard: guard } : {}),
    });
  }
}

/** The spirit's attachment with the release's guard (its allocation) added, when there is one. */
const withGuard = (attach: Attachment | undefined, guard: Guard | undefined): Attachment | undefined =>
  guard ? { guards: [...(attach?.guards ?? []), guard], writes: attach?.writes ?? [] } : attach;

export type HoldPlan = {
  orderId: string;
  customerId: string;
  actorId: string | null;
  spirits: Map<string, SpiritForOrder>;
  lines: {
    id: string;
    spiritId: string;
    batchId: string | null;
    variantId?: string | null;
    quantity: number;
  }[];
  expiresAt: string;
  /** The locations that may ship to the order's destination: only they give bottles. */
  shipFrom: string[];
  /** Written with the last spirit's holds: the order's own rows, or its move back to reserved. */
  attach: Attachment;
};

/**
 * Holds an order's lines spirit by spirit in sorted id order, and gives back what was taken if a later
 * spirit cannot be held: all or nothing, as the client sees it. Throws the refusal of the spirit that failed.
 */
export async function holdOrderLines(ctx: OrdersContext, plan: HoldPlan): Promise<HoldView[]> {
  const ids = [...plan.spirits.keys()].sort();
  const taken: string[] = [];
  const holds: HoldView[] = [];
  try {
    for (const [i, spiritId] of ids.entries()) {
      const spirit = plan.spirits.get(spiritId)!;
      const lines = plan.lines.filter((l) => l.spiritId === spiritId);
      const wanted = lines.reduce((n, l) => n + l.quantity, 0);
      const standard = lines.reduce((n, l) => n + (l.variantId ? 0 : l.quantity), 0);
      const outcome = await ctx.deps.stock.submit({
        type: "hold",
        spiritId,
        orderId: plan.orderId,
        customerId: plan.customerId,
        actorId: plan.actorId,
        lines: lines.map((l) => ({
          lineId: l.id,
          quantity: l.quantity,
          batchId: l.batchId,
          variantId: l.variantId ?? null,
        })),
        expiresAt: plan.expiresAt,
        maxPerCustomer: spirit.maxPerCustomer,
        preferredLocationIds: [],
        onlyLocationIds: plan.shipFrom,
        attach: withGuard(
          i === ids.length - 1 ? plan.attach : undefined,
          spirit.releaseGuard?.(wanted, standard),
        ),
      });
      if (!outcome.ok) throw refusalProblem(outcome, spirit);
      taken.push(spiritId);
      holds.push(...outcome.holds);
    }
  } catch (err) {
    await giveBack(ctx, plan.orderId, taken, plan.actorId);
    throw err;
  }
  return holds;
}

/** The locations allowed to ship to the destination (their `shipsTo` is a rule): none is a refusal. */
export async function shippingLocations(ctx: OrdersContext, country: string, region: string | null) {
  const ids = await ctx.ports.locationsShippingTo(country, region);
  if (!ids.length) {
    throw new DomainError("not-shippable", `None of the shop's locations ships to ${region ?? country}.`, {
      extra: { country, region, available: 0, elsewhere: null },
    });
  }
  return ids;
}

/** The payment window of an order over these spirits: the shortest hold time among them. */
export function holdExpiry(spirits: Iterable<SpiritForOrder>, now: Date): string {
  const minutes = Math.min(...[...spirits].map((s) => s.holdMinutes ?? DEFAULT_HOLD_MINUTES));
  return new Date(now.getTime() + minutes * 60_000).toISOString();
}

/** How a release places an order for the customer it chose (a ballot's winner), beside what they asked. */
export type PlacementOptions = {
  /** The release that grants these bottles: its gate lets this order through where it refuses others. */
  releaseGrant?: string;
  /** The payment window, instead of the spirits' hold times. */
  holdMinutes?: number;
  /** Fixed by the caller so that a retry after a crash finds or re-places the same order, never a second. */
  orderId?: string;
  /** The `Admission-Token` header: a queue release's spirit takes only orders of admitted buyers. */
  admissionToken?: string | undefined;
};

/**
 * Places the order; with an admission token, tells the queue afterwards whether the admission its gate
 * claimed was used (the order placed) or is the customer's again (refused after the claim).
 */
export async function placeOrder(
  ctx: OrdersContext,
  actor: Actor,
  input: CreateOrderInput,
  options: PlacementOptions = {},
): Promise<Order> {
  const orderId = options.orderId ?? newId("ord");
  const settle = options.admissionToken !== undefined ? ctx.ports.settleAdmission : undefined;
  if (!settle) return placeWithId(ctx, actor, input, options, orderId);
  let order: Order;
  try {
    order = await placeWithId(ctx, actor, input, options, orderId);
  } catch (err) {
    await settle(orderId, { placed: false });
    throw err;
  }
  const quantities = new Map<string, number>();
  for (const item of input.items) {
    quantities.set(item.spiritId, (quantities.get(item.spiritId) ?? 0) + item.quantity);
  }
  await settle(orderId, { placed: true, quantities });
  return order;
}

async function placeWithId(
  ctx: OrdersContext,
  actor: Actor,
  input: CreateOrderInput,
  options: PlacementOptions,
  orderId: string,
): Promise<Order> {
  const { deps, ports } = ctx;
  const now = deps.clock.now();
  const spirits = await loadSpirits(ctx, input);
  const variants = await loadVariants(ports, spirits, input);
  const preordering = checkSaleable(spirits, now);
  refuseKnownSoldOut(ctx, spirits, input, preordering);

  const region = input.shipping.region ?? null;
  const profile = await ports.customerProfile(actor.id);
  await ports.checkCompliance({
    dateOfBirth: profile?.dateOfBirth ?? null,
    country: input.shipping.country,
    region,
    at: now,
  });

  await applyReleaseGates(ctx, spirits, actor.id, now, options.releaseGrant, {
    token: options.admissionToken,
    orderId,
  });

  const lines = mergeItems(input).map((l) => {
    const price = unitPrice(spirits.get(l.spiritId)!, variants, l.variantId);
    return { ...l, id: newId("oln"), unitPriceMinor: price.amountMinor, currency: price.currency };
  });
  const order = {
    id: orderId,
    customerId: actor.id,
    currency: [...spirits.values()][0]!.price.currency,
    totalMinor: lines.reduce((n, l) => n + l.unitPriceMinor * l.quantity, 0),
    shippingCountry: input.shipping.country,
    shippingRegion: region,
    address: {
      name: input.shipping.name,
      lines: input.shipping.lines,
      city: input.shipping.city,
      postalCode: input.shipping.postalCode,
      phone: input.shipping.phone ?? null,
    },
    lines,
    actorId: actor.id,
    now: now.toISOString(),
  };

  if (preordering.length) {
    const spirit = preordering[0]!;
    const preorder: NewOrder = { ...order, status: "preordered", preorder: true, expiresAt: null };
    const outcome = await deps.stock.submit({
      type: "preorder",
      spiritId: spirit.id,
      orderId,
      customerId: actor.id,
      actorId: actor.id,
      lines: lines.map((l) => ({
        lineId: l.id,
        quantity: l.quantity,
        batchId: l.batchId,
        variantId: l.variantId,
      })),
      allocation: spirit.preorderAllocation!,
      maxPerCustomer: spirit.maxPerCustomer,
      attach: insertOrder(preorder),
    });
    if (!outcome.ok) throw refusalProblem(outcome, spirit);
    return placedOrderView(preorder, []);
  }

  // Pre-orders waiting for a spirit that is now on sale came first: they get their stock first.
  // (Only a spirit with a pre-order allocation can have any.)
  for (const spirit of spirits.values()) {
    if (spirit.preorderAllocation && (await readWaitingClaims(deps.client, spirit.id)).length) {
      await releaseOnce(ctx, spirit.id);
    }
  }
  const placed: NewOrder = {
    ...order,
    status: "reserved",
    preorder: false,
    expiresAt:
      options.holdMinutes === undefined
        ? holdExpiry(spirits.values(), now)
        : new Date(now.getTime() + options.holdMinutes * 60_000).toISOString(),
  };
  const holds = await holdOrderLines(ctx, {
    orderId,
    customerId: actor.id,
    actorId: actor.id,
    spirits,
    lines,
    expiresAt: placed.expiresAt!,
    shipFrom: await shippingLocations(ctx, input.shipping.country, region),
    attach: insertOrder(placed),
  });
  return placedOrderView(placed, holds);
}

async function giveBack(ctx: OrdersContext, orderId: string, spiritIds: string[], actorId: string | null) {
  const results = await Promise.allSettled(
    spiritIds.map((spiritId) =>
      ctx.deps.stock.submit({
        type: "release",
        spiritId,
        orderId,
        actorId,
        reason: "order not placed: another item could not be held",
      }),
    ),
  );
  for (const r of results) {
    // The holds lapse by themselves at their expiry; say so rather than fail the request twice.
    if (r.status === "rejected")
      ctx.deps.logger.log("error", { msg: "giving back holds failed", orderId, err: String(r.reason) });
  }
}
