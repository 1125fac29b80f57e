/**
 * Stock operations on a whole order (confirm, ship, cancel): one guarded unit across all its spirits,
 * committed as one atomic batch. None of them can be refused for lack of stock (the bottles are already
 * reserved), only because the order moved on meanwhile, which the guards catch. Pure over a libSQL Client.
 */
import type { Client } from "@libsql/client";
import { newId } from "../db/ids.ts";
import type { Attachment, OrderHold, StockOutcome, StockRefusal } from "./coordinator.ts";
import { commitUnits, type Guard, num, readSnapshot, str, strOrNull, type Write } from "./ledger.ts";
import { refuse } from "./planner.ts";
import * as s from "./statements.ts";

export type OrderClaim = {
  lineId: string;
  spiritId: string;
  customerId: string;
  quantity: number;
  status: string;
};

export async function readOrderStock(client: Client, orderId: string) {
  const [holds, claims] = await readSnapshot(client, [
    {
      sql: `SELECT h.id, h.spirit_id, h.level_id, h.batch_id, h.variant_id, h.location_id, h.line_id, h.customer_id, h.quantity,
              h.status, h.expires_at,
              (SELECT group_concat(number) FROM (SELECT number FROM bottle_serials b WHERE b.hold_id = h.id ORDER BY number)) AS serials
            FROM stock_holds h WHERE h.order_id = ? ORDER BY h.spirit_id, h.id`,
      args: [orderId],
    },
    {
      sql: "SELECT line_id, spirit_id, customer_id, quantity, status FROM preorder_claims WHERE order_id = ? ORDER BY seq",
      args: [orderId],
    },
  ]);
  return {
    holds: holds!.rows.map(
      (r): OrderHold => ({
        id: str(r.id),
        spiritId: str(r.spirit_id),
        levelId: str(r.level_id),
        batchId: strOrNull(r.batch_id),
        variantId: strOrNull(r.variant_id),
        locationId: str(r.location_id),
        lineId: str(r.line_id),
        customerId: str(r.customer_id),
        quantity: num(r.quantity),
        status: str(r.status),
        expiresAt: str(r.expires_at),
        serials: r.serials ? String(r.serials).split(",").map(Number) : [],
      }),
    ),
    claims: claims!.rows.map(
      (r): OrderClaim => ({
        lineId: str(r.line_id),
        spiritId: str(r.spirit_id),
        customerId: str(r.customer_id),
        quantity: num(r.quantity),
        status: str(r.status),
      }),
    ),
  };
}

type OrderUnitInput = {
  orderId: string;
  actorId: string | null;
  reason?: string;
  lineIds?: readonly string[];
  attach?: Attachment;
  now: string;
};

export type OrderCommit = { outcome: StockOutcome; spiritIds: string[] };

async function commitOrderUnit(
  client: Client,
  guards: Guard[],
  writes: Write[],
  attach: Attachment | undefined,
  spiritIds: string[],
  released: number,
  now: string,
): Promise<OrderCommit> {
  const unit = {
    guards: [...guards, ...(attach?.guards ?? [])],
    writes: [...writes, ...(attach?.writes ?? [])],
  };
  const { outcomes } = await commitUnits(client, [unit], [], { spiritIds, at: now });
  const outcome = outcomes[0]!;
  if (!outcome.ok) return { outcome: refusalOf(outcome.reason), spiritIds: [] };
  return { outcome: { ok: true, holds: [], released, levels: [], version: 0 }, spiritIds };
}

function refusalOf(reason: string): StockRefusal {
  if (reason === "hold-expired") return refuse("hold-expired", "The order's hold has expired.");
  return refuse("rejected", "The order changed meanwhile; read it again.", { reason });
}

const spiritsOf = (holds: { spiritId: string }[]) => [...new Set(holds.map((h) => h.spiritId))].sort();

/**
 * The holds the order stands on now. All holds placed for an order at once share one expiry; an order held
 * again after its holds lapsed (a late payment) gets a new set with a later one, and the lapsed set is
 * history.
 */
function currentHolds(holds: OrderHold[]): OrderHold[] {
  // ISO-8601 UTC strings sort as the times they name.
  const latest = holds
    .map((h) => h.expiresAt)
    .sort()
    .at(-1);
  return holds.filter((h) => h.expiresAt === latest);
}

/** Payment done: active, unexpired holds become committed and get the lowest free bottle numbers. */
export async function confirmOrderStock(client: Client, input: OrderUnitInput): Promise<OrderCommit> {
  const { holds: all } = await readOrderStock(client, input.orderId);
  const holds = currentHolds(all);
  const { now } = input;
  const gone = holds.find((h) => h.status === "expired" || h.status === "released");
  const lapsed = holds.find((h) => h.status === "active" && h.expiresAt <= now);
  if (gone || lapsed) {
    return {
      outcome: refuse("hold-expired", `The order's hold expired at ${(gone ?? lapsed)!.expiresAt}.`, {
        expiredAt: (gone ?? lapsed)!.expiresAt,
      }),
      spiritIds: [],
    };
  }
  const operationId = newId("sop");
  const guards: Guard[] = [];
  const writes: Write[] = [];
  for (const h of holds.filter((x) => x.status === "active")) {
    guards.push(s.holdStatusIn(h.id, ["active"], "hold-expired"), s.holdNotLapsed(h.id, now));
    writes.push(
      s.setHoldStatus(h.id, "committed", now, false),
      s.insertMovement({
        spiritId: h.spiritId,
        levelId: h.levelId,
        batchId: h.batchId,
        locationId: h.locationId,
        kind: "commit",
        onHandDelta: 0,
        reservedDelta: 0,
        actorId: input.actorId,
        reason: input.reason ?? "payment confirmed",
        orderId: input.orderId,
        holdId: h.id,
        operationId,
        at: now,
      }),
    );
    if (h.batchId) writes.push(s.assignSerials(h.id, h.batchId, h.locationId, h.quantity, now));
  }
  // Confirming changes no level's figures: no version bump, nothing to publish.
  return commitOrderUnit(client, guards, writes, input.attach, [], 0, input.now);
}

/**
 * Committed holds leave (all of them, or those of `lineIds`): on-hand and reserved go down together,
 * bottle numbers become shipped.
 */
export async function shipOrderStock(client: Client, input: OrderUnitInput): Promise<OrderCommit> {
  const { holds } = await readOrderStock(client, input.orderId);
  const { now, lineIds } = input;
  const operationId = newId("sop");
  const committed = holds.filter((h) => h.status === "committed" && (!lineIds || lineIds.includes(h.lineId)));
  if (!committed.length)
    return { outcome: refuse("rejected", "Nothing of those lines is left to ship."), spiritIds: [] };
  const guards: Guard[] = [];
  const writes: Write[] = [];
  for (const h of committed) {
    guards.push(s.holdStatusIn(h.id, ["committed"]));
    writes.push(
      s.changeLevel(h.levelId, -h.quantity, -h.quantity, now),
      s.setHoldStatus(h.id, "shipped", now, true),
      s.shipSerials(h.id, now),
      s.insertMovement({
        spiritId: h.spiritId,
        levelId: h.levelId,
        batchId: h.batchId,
        locationId: h.locationId,
        kind: "ship",
        onHandDelta: -h.quantity,
        reservedDelta: -h.quantity,
        actorId: input.actorId,
        reason: input.reason ?? "shipped",
        orderId: input.orderId,
        holdId: h.id,
        operationId,
        at: now,
      }),
    );
  }
  const spiritIds = spiritsOf(committed);
  return commitOrderUnit(client, guards, writes, input.attach, spiritIds, 0, input.now);
}

/** Gives back every live hold and waiting pre-order claim of the order. */
export async function cancelOrderStock(client: Client, input: OrderUnitInput): Promise<OrderCommit> {
  const { holds, claims } = await readOrderStock(client, input.orderId);
  const { now } = input;
  const operationId = newId("sop");
  const live = holds.filter((h) => h.status === "active" || h.status === "committed");
  const guards: Guard[] = [];
  const writes: Write[] = [];
  const perCustomerSpirit = new Map<string, { customerId: string; spiritId: string; n: number }>();
  const addTotal = (customerId: string, spiritId: string, n: number) => {
    const key = `${customerId}\u0000${spiritId}`;
    const cur = perCustomerSpirit.get(key) ?? { customerId, spiritId, n: 0 };
    cur.n += n;
    perCustomerSpirit.set(key, cur);
  };
  const perLevel = new Map<string, number>();
  for (const h of live) {
    guards.push(s.holdStatusIn(h.id, [h.status]));
    perLevel.set(h.levelId, (perLevel.get(h.levelId) ?? 0) + h.quantity);
    addTotal(h.customerId, h.spiritId, h.quantity);
    writes.push(
      s.setHoldStatus(h.id, "released", now, true),
      s.insertMovement({
        spiritId: h.spiritId,
        levelId: h.levelId,
        batchId: h.batchId,
        locationId: h.locationId,
        kind: "release",
        onHandDelta: 0,
        reservedDelta: -h.quantity,
        actorId: input.actorId,
        reason: input.reason ?? "order cancelled",
        orderId: input.orderId,
        holdId: h.id,
        operationId,
        at: now,
      }),
    );
    if (h.status === "committed") writes.push(s.freeHoldSerials(h.id, now));
  }
  for (const [levelId, n] of perLevel) writes.push(s.changeLevel(levelId, 0, -n, now));
  const perSpiritTaken = new Map<string, number>();
  for (const c of claims.filter((x) => x.status === "waiting")) {
    guards.push(s.claimStatusIs(c.lineId, "waiting"));
    writes.push(s.setClaimStatus(c.lineId, "cancelled", now));
    perSpiritTaken.set(c.spiritId, (perSpiritTaken.get(c.spiritId) ?? 0) + c.quantity);
    addTotal(c.customerId, c.spiritId, c.quantity);
  }
  for (const [spiritId, n] of perSpiritTaken) writes.push(s.changePreorderTaken(spiritId, -n, 0, now));
  for (const t of perCustomerSpirit.values()) {
    writes.push(s.changeCustomerTotal(t.customerId, t.spiritId, -t.n, null, now));
  }
  const spiritIds = spiritsOf(live);
  const released = live.reduce((n, h) => n + h.quantity, 0);
  return commitOrderUnit(client, guards, writes, input.attach, spiritIds, released, input.now);
}

export type WaitingClaim = {
  seq: number;
  orderId: string;
  lineId: string;
  customerId: string;
  batchId: string | null;
  variantId: string | null;
  quantity: number;
};

/** The spirit's waiting pre-order claims, first come first.  */
export async function readWaitingClaims(client: Client, spiritId: string): Promise<WaitingClaim[]> {
  const rs = await client.execute({
    sql: `SELECT seq, order_id, line_id, customer_id, batch_id, variant_id, quantity FROM preorder_claims
          WHERE spirit_id = ? AND status = 'waiting' ORDER BY seq`,
    args: [spiritId],
  });
  return rs.rows.map((r) => ({
    seq: num(r.seq),
    orderId: str(r.order_id),
    lineId: str(r.line_id),
    customerId: str(r.customer_id),
    batchId: strOrNull(r.batch_id),
    variantId: strOrNull(r.variant_id),
    quantity: num(r.quantity),
  }));
}

/** Spirits that have pre-orders waiting for their release. */
export async function spiritsWithWaitingClaims(client: Client): Promise<string[]> {
  const rs = await client.execute("SELECT DISTINCT spirit_id FROM preorder_claims WHERE status = 'waiting'");
  return rs.rows.map((r) => str(r.spirit_id));
}
