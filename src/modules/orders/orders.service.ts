import { and, eq, exists, gt, inArray, lte, or, type SQL, sql } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type OrderRow, type OrderStatus, orderLines, orders } from "../../db/schema/orders.ts";
import type { Deps } from "../../deps.ts";
import { DomainError, type FieldIssue } from "../../domain-error.ts";
import { isStaff, type Principal } from "../../http/auth.ts";
import type { HoldView, StockRefusal } from "../../stock/coordinator.ts";
import { readWaitingClaims, spiritsWithWaitingClaims } from "../../stock/order-stock.ts";
import { isReleased, type OrdersPorts, type SpiritForOrder } from "./orders.ports.ts";
import {
  effectiveStatus,
  insertOrder,
  type NewOrder,
  placedOrderView,
  readOrderView,
  readSummaries,
  transition,
} from "./orders.records.ts";
import type { CreateOrderInput, Order, OrderListQuery } from "./orders.schemas.ts";

export const DEFAULT_HOLD_MINUTES = 15;

const NEWEST: Sort<OrderRow> = {
  name: "newest",
  keys: [
    { column: orders.createdAt, direction: "desc", value: (r) => r.createdAt },
    { column: orders.id, direction: "desc", value: (r) => r.id },
  ],
};

const orderNotFound = (id: string) => new DomainError("not-found", `Order ${id} was not found.`);

const wrongStatus = (status: OrderStatus, wanted: string) =>
  new DomainError("order-status", `The order is ${status}; ${wanted}.`, {
    extra: { orderStatus: status },
  });

const holdExpired = (at: string | null) =>
  new DomainError(
    "hold-expired",
    `The order's hold expired${at ? ` at ${at}` : ""}: its bottles went back on sale. Place a new order.`,
    {
      title: "Hold expired",
      extra: { expiredAt: at },
    },
  );

/** Turns a stock refusal into the problem the customer sees, naming the spirit and the figures. */
function refusalProblem(r: StockRefusal, spirit: SpiritForOrder): DomainError {
  const extra = { spiritId: spirit.id, spiritName: spirit.name, ...r.extra };
  switch (r.code) {
    case "sold-out": {
      const available = Number(r.extra?.available ?? 0);
      return new DomainError(
        "sold-out",
        `${spirit.name} is sold out${available > 0 ? `: only ${available} bottle${available === 1 ? " is" : "s are"} available` : ""}.`,
        { title: "Sold out", extra },
      );
    }
    case "allocation-exhausted": {
      const available = Number(r.extra?.available ?? 0);
      return new DomainError(
        "sold-out",
        `The pre-order allocation of ${spirit.name} is ${available > 0 ? `down to ${available} bottle${available === 1 ? "" : "s"}` : "taken"}.`,
        { title: "Sold out", extra: { ...extra, preorder: true } },
      );
    }
    case "limit-exceeded":
      return new DomainError("per-customer-limit", `${spirit.name}: ${r.detail}`, {
        title: "Over the per-customer limit",
        extra,
      });
    default:
      return new DomainError("stock-conflict", "The stock changed while the order was placed; try again.", {
        extra,
      });
  }
}

type Actor = Pick<Principal, "id" | "role">;

export function createOrdersService(deps: Deps, ports: OrdersPorts) {
  const { db, clock, stock, client } = deps;
  /** Per spirit, the stock version at the last automatic pre-order release that left some waiting. */
  const releaseTriedAt = new Map<string, number>();
  const releasing = new Map<string, Promise<unknown>>();

  async function visibleRow(actor: Actor, id: string): Promise<OrderRow> {
    const row = await db.query.orders.findFirst({ where: eq(orders.id, id) });
    if (!row || (row.customerId !== actor.id && !isStaff(actor))) throw orderNotFound(id);
    return row;
  }

  async function view(id: string): Promise<Order> {
    const row = await db.query.orders.findFirst({ where: eq(orders.id, id) });
    if (!row) throw orderNotFound(id);
    return readOrderView(db, row, await stock.orderHolds(id), clock.now().toISOString());
  }

  async function loadSpirits(input: CreateOrderInput) {
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
        {
          errors,
        },
      );
    }
    return spirits;
  }

  /** Same spirit and batch twice in one order: one line with the quantities added up. */
  function mergeItems(input: CreateOrderInput) {
    const lines = new Map<string, { spiritId: string; batchId: string | null; quantity: number }>();
    for (const item of input.items) {
      const key = `${item.spiritId}\u0000${item.batchId ?? ""}`;
      const line = lines.get(key) ?? { spiritId: item.spiritId, batchId: item.batchId ?? null, quantity: 0 };
      line.quantity += item.quantity;
      lines.set(key, line);
    }
    return [...lines.values()];
  }

  async function placeOrder(actor: Actor, input: CreateOrderInput): Promise<Order> {
    const now = clock.now();
    const nowIso = now.toISOString();
    const spirits = await loadSpirits(input);
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
          {
            extra: { spiritId: spirit.id, releaseDate: spirit.releaseDate },
          },
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

    // The latecomers of a drop: when the coordinator knows the stock cannot cover the order, say so before
    // the costlier checks. Only a hint for refusing early; the coordinator still decides every hold.
    for (const spirit of spirits.values()) {
      if (preordering.includes(spirit)) continue;
      const known = stock.knownAvailable?.(spirit.id);
      if (known === undefined) continue;
      const wanted = input.items.filter((i) => i.spiritId === spirit.id).reduce((n, i) => n + i.quantity, 0);
      if (known < wanted) {
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

    const region = input.shipping.region ?? null;
    const profile = await ports.customerProfile(actor.id);
    await ports.checkCompliance({
      dateOfBirth: profile?.dateOfBirth ?? null,
      country: input.shipping.country,
      region,
      at: now,
    });

    const orderId = newId("ord");
    const lines = mergeItems(input).map((l) => {
      const spirit = spirits.get(l.spiritId)!;
      return {
        ...l,
        id: newId("oln"),
        unitPriceMinor: spirit.price.amountMinor,
        currency: spirit.price.currency,
      };
    });
    const order = {
      id: orderId,
      customerId: actor.id,
      currency: [...currencies][0]!,
      totalMinor: lines.reduce((n, l) => n + l.unitPriceMinor * l.quantity, 0),
      shippingCountry: input.shipping.country,
      shippingRegion: region,
      lines,
      actorId: actor.id,
      now: nowIso,
    };
    const linesOf = (spiritId: string) =>
      lines
        .filter((l) => l.spiritId === spiritId)
        .map((l) => ({ lineId: l.id, quantity: l.quantity, batchId: l.batchId }));

    if (preordering.length) {
      const spirit = preordering[0]!;
      const preorder: NewOrder = { ...order, status: "preordered", preorder: true, expiresAt: null };
      const outcome = await stock.submit({
        type: "preorder",
        spiritId: spirit.id,
        orderId,
        customerId: actor.id,
        actorId: actor.id,
        lines: linesOf(spirit.id),
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
      if (spirit.preorderAllocation && (await readWaitingClaims(client, spirit.id)).length) {
        await releaseOnce(spirit.id);
      }
    }
    const preferred = await ports.locationsShippingTo(input.shipping.country, region);
    const holdMinutes = Math.min(...[...spirits.values()].map((s) => s.holdMinutes ?? DEFAULT_HOLD_MINUTES));
    const expiresAt = new Date(now.getTime() + holdMinutes * 60_000).toISOString();
    // Spirit by spirit in sorted id order; the order's rows go in with the last spirit's holds, and what
    // was taken is given back if a later spirit cannot be held: all or nothing, as the client sees it.
    const ids = [...spirits.keys()].sort();
    const placed: NewOrder = { ...order, status: "reserved", preorder: false, expiresAt };
    const taken: string[] = [];
    const holds: HoldView[] = [];
    try {
      for (const [i, spiritId] of ids.entries()) {
        const spirit = spirits.get(spiritId)!;
        const outcome = await stock.submit({
          type: "hold",
          spiritId,
          orderId,
          customerId: actor.id,
          actorId: actor.id,
          lines: linesOf(spiritId),
          expiresAt,
          maxPerCustomer: spirit.maxPerCustomer,
          preferredLocationIds: preferred,
          attach: i === ids.length - 1 ? insertOrder(placed) : undefined,
        });
        if (!outcome.ok) throw refusalProblem(outcome, spirit);
        taken.push(spiritId);
        holds.push(...outcome.holds);
      }
    } catch (err) {
      await giveBack(orderId, taken, actor.id);
      throw err;
    }
    return placedOrderView(placed, holds);
  }

  async function giveBack(orderId: string, spiritIds: string[], actorId: string) {
    const results = await Promise.allSettled(
      spiritIds.map((spiritId) =>
        stock.submit({
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
        deps.logger.log("error", { msg: "giving back holds failed", orderId, err: String(r.reason) });
    }
  }

  async function getOrder(actor: Actor, id: string): Promise<Order> {
    await visibleRow(actor, id);
    return view(id);
  }

  async function listOrders(actor: Actor, q: OrderListQuery) {
    const staff = isStaff(actor);
    const nowIso = clock.now().toISOString();
    let customerId = q.customerId === "me" ? actor.id : q.customerId;
    if (!staff) {
      if (customerId && customerId !== actor.id)
        throw new DomainError("forbidden", "Customers see their own orders only.");
      customerId = actor.id;
    }
    const conds: SQL[] = [];
    if (customerId) conds.push(eq(orders.customerId, customerId));
    if (q.status === "expired") {
      conds.push(
        or(eq(orders.status, "expired"), and(eq(orders.status, "reserved"), lte(orders.expiresAt, nowIso)))!,
      );
    } else if (q.status === "reserved") {
      conds.push(and(eq(orders.status, "reserved"), gt(orders.expiresAt, nowIso))!);
    } else if (q.status) {
      conds.push(eq(orders.status, q.status));
    }
    if (q.spiritId) {
      conds.push(
        exists(
          db
            .select({ one: sql`1` })
            .from(orderLines)
            .where(and(eq(orderLines.orderId, orders.id), eq(orderLines.spiritId, q.spiritId))),
        ),
      );
    }
    if (q.cursor) conds.push(afterCursor(NEWEST, decodeCursor(NEWEST, q.cursor)));
    const result = await page(
      NEWEST,
      q.limit,
      (n) =>
        db
          .select()
          .from(orders)
          .where(and(...conds))
          .orderBy(...orderByOf(NEWEST))
          .limit(n),
      (r) => r,
    );
    return { items: await readSummaries(db, result.items, nowIso), nextCursor: result.nextCursor };
  }

  /** An order found lapsed: release its holds now and write the expiry down, then refuse. */
  async function settleExpired(row: OrderRow): Promise<never> {
    await expireDue();
    throw holdExpired(row.expiresAt);
  }

  async function confirmOrder(actor: Actor, id: string): Promise<Order> {
    const row = await visibleRow(actor, id);
    const now = clock.now().toISOString();
    const status = effectiveStatus(row, now);
    if (status === "confirmed" || status === "shipped") return view(id);
    if (status === "expired") return settleExpired(row);
    if (status !== "reserved") throw wrongStatus(status, "only a reserved order can be confirmed");
    const outcome = await stock.confirmOrder({
      orderId: id,
      actorId: actor.id,
      reason: "payment confirmed",
      attach: transition(id, ["reserved"], "confirmed", actor.id, "payment confirmed", now, null),
    });
    if (!outcome.ok) {
      // Lost a race: the order's own state says why (a cancel that released the holds is not an expiry).
      const fresh = effectiveStatus(await visibleRow(actor, id), clock.now().toISOString());
      if (fresh === "confirmed" || fresh === "shipped") return view(id);
      if (fresh === "expired" || (fresh === "reserved" && outcome.code === "hold-expired"))
        return settleExpired(row);
      throw wrongStatus(fresh, "only a reserved order can be confirmed");
    }
    return view(id);
  }

  async function cancelOrder(actor: Actor, id: string, reason?: string): Promise<Order> {
    const row = await visibleRow(actor, id);
    const now = clock.now().toISOString();
    const status = effectiveStatus(row, now);
    if (status === "cancelled") return view(id);
    if (status === "expired") throw wrongStatus(status, "its bottles are already back on sale");
    if (status === "shipped") throw wrongStatus(status, "a shipped order cannot be cancelled");
    if (status === "confirmed" && !isStaff(actor)) {
      throw new DomainError("forbidden", "A paid order can only be cancelled by staff (it needs a refund).");
    }
    const note =
      reason ??
      (isStaff(actor) && actor.id !== row.customerId ? "cancelled by staff" : "cancelled by the customer");
    const outcome = await stock.cancelOrder({
      orderId: id,
      actorId: actor.id,
      reason: note,
      attach: transition(id, [row.status], "cancelled", actor.id, note, now, null),
    });
    if (!outcome.ok) {
      const fresh = await visibleRow(actor, id);
      throw wrongStatus(
        effectiveStatus(fresh, clock.now().toISOString()),
        "it changed meanwhile; read it again",
      );
    }
    return view(id);
  }

  async function shipOrder(actor: Actor, id: string): Promise<Order> {
    const row = await visibleRow(actor, id);
    const now = clock.now().toISOString();
    const status = effectiveStatus(row, now);
    if (status === "shipped") return view(id);
    if (status !== "confirmed") throw wrongStatus(status, "only a confirmed (paid) order can ship");
    const outcome = await stock.shipOrder({
      orderId: id,
      actorId: actor.id,
      reason: "shipped",
      attach: transition(id, ["confirmed"], "shipped", actor.id, null, now),
    });
    if (!outcome.ok) {
      const fresh = await visibleRow(actor, id);
      throw wrongStatus(
        effectiveStatus(fresh, clock.now().toISOString()),
        "only a confirmed (paid) order can ship",
      );
    }
    return view(id);
  }

  /**
   * The release of a spirit: its waiting pre-orders, first come first served, become holds with a payment
   * window (the spirit's hold time) while stock lasts; the others keep waiting.
   */
  async function releasePreorders(spiritId: string, actorId: string | null) {
    const spirit = await ports.findSpirit(spiritId);
    if (!spirit) throw new DomainError("not-found", `Spirit ${spiritId} was not found.`);
    const claims = await readWaitingClaims(client, spiritId);
    const byOrder = new Map<string, typeof claims>();
    for (const c of claims) byOrder.set(c.orderId, [...(byOrder.get(c.orderId) ?? []), c]);
    if (byOrder.size === 0) return { spiritId, converted: 0, waiting: 0 };
    const rows = await db
      .select()
      .from(orders)
      .where(inArray(orders.id, [...byOrder.keys()]));
    const now = clock.now();
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
        lines: own.map((c) => ({ lineId: c.lineId, quantity: c.quantity, batchId: c.batchId })),
        preferred: await ports.locationsShippingTo(row.shippingCountry, row.shippingRegion),
      });
    }
    // Submitted together, in claim order: the spirit's queue keeps that order.
    const outcomes = await Promise.all(
      requests.map((r) =>
        stock.submit({
          type: "hold",
          fromPreorder: true,
          spiritId,
          orderId: r.orderId,
          customerId: r.customerId,
          actorId,
          lines: r.lines,
          expiresAt,
          maxPerCustomer: null,
          preferredLocationIds: r.preferred,
          attach: transition(
            r.orderId,
            ["preordered"],
            "reserved",
            actorId,
            "released: stock held until payment",
            nowIso,
            expiresAt,
          ),
        }),
      ),
    );
    const converted = outcomes.filter((o) => o.ok).length;
    return { spiritId, converted, waiting: byOrder.size - converted };
  }

  /** Buyers arriving together at a released spirit trigger one release between them, not one each. */
  function releaseOnce(spiritId: string) {
    let running = releasing.get(spiritId);
    if (!running) {
      running = releasePreorders(spiritId, null).finally(() => releasing.delete(spiritId));
      releasing.set(spiritId, running);
    }
    return running;
  }

  /** Writes down orders whose holds lapsed (readers already see them as expired). */
  async function markExpiredOrders(): Promise<number> {
    const now = clock.now().toISOString();
    const [, updated] = await client.batch(
      [
        {
          sql: `INSERT INTO order_status_history (order_id, status, actor_id, note, at)
                SELECT id, 'expired', NULL, 'hold expired', expires_at FROM orders
                WHERE status = 'reserved' AND expires_at <= ? ORDER BY expires_at`,
          args: [now],
        },
        {
          sql: "UPDATE orders SET status = 'expired', updated_at = ? WHERE status = 'reserved' AND expires_at <= ?",
          args: [now, now],
        },
      ],
      "write",
    );
    return updated?.rowsAffected ?? 0;
  }

  /** Released spirits with waiting pre-orders: try again whenever their stock changed since the last try. */
  async function releaseDuePreorders(): Promise<number> {
    let converted = 0;
    for (const spiritId of await spiritsWithWaitingClaims(client)) {
      const spirit = await ports.findSpirit(spiritId);
      if (!spirit || !isReleased(spirit, clock.now())) continue;
      const version = (await stock.snapshot(spiritId)).version;
      if (releaseTriedAt.get(spiritId) === version) continue;
      const result = await releasePreorders(spiritId, null);
      converted += result.converted;
      releaseTriedAt.set(spiritId, (await stock.snapshot(spiritId)).version);
    }
    return converted;
  }

  /** The reaper's work: lapsed holds go back on sale, their orders expire, due pre-orders are released. */
  async function expireDue() {
    const released = await stock.expireDue();
    const expiredOrders = await markExpiredOrders();
    const converted = await releaseDuePreorders();
    return { released, expiredOrders, converted };
  }

  /** When the reaper next has work: the next hold to lapse, or the next release of a pre-ordered spirit. */
  async function nextDueAt(): Promise<string | null> {
    const due: string[] = [];
    const next = await stock.nextExpiry();
    if (next) due.push(next);
    const now = clock.now();
    for (const spiritId of await spiritsWithWaitingClaims(client)) {
      const spirit = await ports.findSpirit(spiritId);
      if (!spirit?.releaseDate || isReleased(spirit, now)) continue;
      const at = new Date(spirit.releaseDate);
      if (!Number.isNaN(at.getTime())) due.push(at.toISOString());
    }
    return due.length ? due.sort()[0]! : null;
  }

  return {
    placeOrder,
    getOrder,
    listOrders,
    confirmOrder,
    cancelOrder,
    shipOrder,
    releasePreorders,
    expireDue,
    nextDueAt,
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
