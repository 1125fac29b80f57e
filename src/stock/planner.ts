/**
 * Turns one queued operation into a guarded unit (or a refusal), against the in-memory state of its spirit,
 * and applies the predicted effect to that state so the next operation of the group sees it. Pure: no I/O.
 */
import { newId } from "../db/ids.ts";
import type {
  HoldRequest,
  HoldView,
  LevelChange,
  PreorderRequest,
  ReleaseRequest,
  SpiritOperation,
  StaffStockRequest,
  StockRefusal,
  StockRefusalCode,
} from "./coordinator.ts";
import type { Guard, Unit, Write } from "./ledger.ts";
import type { HoldState, LevelState, SpiritState } from "./spirit-state.ts";
import * as s from "./statements.ts";

export type Planned = {
  unit: Unit;
  holds: HoldView[];
  released: number;
  levels: LevelState[];
  /** Holds placed, with their expiry (the reaper wants to know). */
  expiries: string[];
};

export type Plan = Planned | StockRefusal;

export const refuse = (
  code: StockRefusalCode,
  detail: string,
  extra?: Record<string, unknown>,
): StockRefusal => ({
  ok: false,
  code,
  detail,
  ...(extra ? { extra } : {}),
});

const available = (l: LevelState) => l.onHand - l.reserved;

/** Levels of one sellable unit only: a variant's stock is never sold or counted as another's. */
const ofVariant = (l: LevelState, variantId: string | null | undefined) =>
  l.variantId === (variantId ?? null);

function findLevel(
  state: SpiritState,
  locationId: string,
  batchId: string | null,
  variantId: string | null | undefined,
) {
  return state.levels.find(
    (l) => l.locationId === locationId && l.batchId === batchId && ofVariant(l, variantId),
  );
}

/** A level that does not exist yet: created by the unit (guarded so a concurrent creation fails it). */
function newLevel(
  locationId: string,
  batchId: string | null,
  variantId: string | null | undefined,
): LevelState {
  return {
    id: newId("lvl"),
    batchId,
    variantId: variantId ?? null,
    locationId,
    onHand: 0,
    reserved: 0,
    version: 0,
  };
}

function unitOf(guards: Guard[], writes: Write[], attach?: { guards?: Guard[]; writes?: Write[] }): Unit {
  return { guards: [...guards, ...(attach?.guards ?? [])], writes: [...writes, ...(attach?.writes ?? [])] };
}

/** Chooses levels for each line: locations that ship to the customer first, then the one with most stock. */
function allocate(state: SpiritState, op: HoldRequest) {
  const preferred = new Set(op.preferredLocationIds);
  const allowed = op.onlyLocationIds ? new Set(op.onlyLocationIds) : undefined;
  const free = new Map(state.levels.map((l) => [l.id, available(l)]));
  const picks: { line: HoldRequest["lines"][number]; level: LevelState; quantity: number }[] = [];
  for (const line of op.lines) {
    const anywhere = state.levels.filter(
      (l) =>
        ofVariant(l, line.variantId) &&
        (line.batchId === null || l.batchId === line.batchId) &&
        (free.get(l.id) ?? 0) > 0,
    );
    const candidates = allowed ? anywhere.filter((l) => allowed.has(l.locationId)) : anywhere;
    const inStock = candidates.reduce((n, l) => n + free.get(l.id)!, 0);
    const elsewhere = anywhere.reduce((n, l) => n + free.get(l.id)!, 0) - inStock;
    if (inStock < line.quantity && inStock + elsewhere >= line.quantity) {
      return refuse(
        "not-shippable",
        `Only ${inStock} bottle${inStock === 1 ? " is" : "s are"} at locations that ship to this destination; ${line.quantity} asked (${elsewhere} more at locations that do not ship there).`,
        {
          spiritId: op.spiritId,
          batchId: line.batchId,
          ...(line.variantId ? { variantId: line.variantId } : {}),
          available: inStock,
          elsewhere,
          requested: line.quantity,
        },
      );
    }
    if (inStock < line.quantity) {
      return refuse(
        "sold-out",
        `Only ${inStock} bottle${inStock === 1 ? " is" : "s are"} available${line.batchId ? ` in batch ${line.batchId}` : ""}; ${line.quantity} asked.`,
        {
          spiritId: op.spiritId,
          batchId: line.batchId,
          ...(line.variantId ? { variantId: line.variantId } : {}),
          available: inStock,
          requested: line.quantity,
        },
      );
    }
    const atLocation = new Map<string, number>();
    for (const l of candidates)
      atLocation.set(l.locationId, (atLocation.get(l.locationId) ?? 0) + free.get(l.id)!);
    candidates.sort(
      (a, b) =>
        Number(preferred.has(b.locationId)) - Number(preferred.has(a.locationId)) ||
        atLocation.get(b.locationId)! - atLocation.get(a.locationId)! ||
        a.locationId.localeCompare(b.locationId) ||
        free.get(b.id)! - free.get(a.id)! ||
        a.id.localeCompare(b.id),
    );
    let need = line.quantity;
    for (const level of candidates) {
      if (need === 0) break;
      const take = Math.min(need, free.get(level.id)!);
      free.set(level.id, free.get(level.id)! - take);
      picks.push({ line, level, quantity: take });
      need -= take;
    }
  }
  return picks;
}

function limitRefusal(state: SpiritState, customerId: string, adding: number, limit: number | null) {
  if (limit === null) return undefined;
  const already = state.totals.get(customerId) ?? 0;
  if (already + adding <= limit) return undefined;
  return refuse(
    "limit-exceeded",
    `At most ${limit} bottle${limit === 1 ? "" : "s"} of this spirit per customer; you already have ${already} in live orders and asked for ${adding}.`,
    { spiritId: state.spiritId, maxPerCustomer: limit, alreadyOrdered: already, requested: adding },
  );
}

function planHold(state: SpiritState, op: HoldRequest): Plan {
  const now = state.now;
  const total = op.lines.reduce((n, l) => n + l.quantity, 0);
  if (!op.fromPreorder) {
    const over = limitRefusal(state, op.customerId, total, op.maxPerCustomer);
    if (over) return over;
  }
  const picks = allocate(state, op);
  if (!Array.isArray(picks)) return picks;

  const operationId = newId("sop");
  const perLevel = new Map<LevelState, number>();
  for (const p of picks) perLevel.set(p.level, (perLevel.get(p.level) ?? 0) + p.quantity);
  const guards: Guard[] = [...perLevel].map(([l, n]) => s.availableAtLeast(l.id, n));
  const writes: Write[] = [...perLevel].map(([l, n]) => s.changeLevel(l.id, 0, n, now));
  if (op.fromPreorder) {
    for (const line of op.lines) {
      guards.push(s.claimStatusIs(line.lineId, "waiting"));
      writes.push(s.setClaimStatus(line.lineId, "converted", now));
    }
  } else {
    if (op.maxPerCustomer !== null) {
      guards.push(s.withinCustomerLimit(op.customerId, op.spiritId, total, op.maxPerCustomer));
    }
    writes.push(s.changeCustomerTotal(op.customerId, op.spiritId, total, op.maxPerCustomer, now));
  }
  const holds: HoldView[] = [];
  for (const p of picks) {
    const hold: HoldView = {
      id: newId("hld"),
      lineId: p.line.lineId,
      levelId: p.level.id,
      batchId: p.level.batchId,
      variantId: p.level.variantId,
      locationId: p.level.locationId,
      quantity: p.quantity,
      expiresAt: op.expiresAt,
    };
    holds.push(hold);
    writes.push(
      s.insertHold({
        ...hold,
        spiritId: op.spiritId,
        orderId: op.orderId,
        customerId: op.customerId,
        createdAt: now,
      }),
      s.insertMovement({
        spiritId: op.spiritId,
        levelId: p.level.id,
        batchId: p.level.batchId,
        locationId: p.level.locationId,
        kind: "hold",
        onHandDelta: 0,
        reservedDelta: p.quantity,
        actorId: op.actorId,
        orderId: op.orderId,
        holdId: hold.id,
        operationId,
        at: now,
      }),
    );
  }

  for (const [l, n] of perLevel) {
    l.reserved += n;
    l.version += 1;
  }
  if (!op.fromPreorder) state.totals.set(op.customerId, (state.totals.get(op.customerId) ?? 0) + total);
  return {
    unit: unitOf(guards, writes, op.attach),
    holds,
    released: 0,
    levels: [...perLevel.keys()],
    expiries: [op.expiresAt],
  };
}

/** Gives back holds (a release, or an expiry when `kind` is "expire"). */
function planGiveBack(
  state: SpiritState,
  holds: HoldState[],
  kind: "release" | "expire",
  actorId: string | null,
  reason: string | null,
  attach?: ReleaseRequest["attach"],
): Planned {
  const now = state.now;
  const operationId = newId("sop");
  const guards: Guard[] = [];
  const writes: Write[] = [];
  const perLevel = new Map<string, number>();
  const perCustomer = new Map<string, number>();
  for (const h of holds) {
    guards.push(kind === "expire" ? s.holdLapsed(h.id, now) : s.holdStatusIn(h.id, [h.status]));
    perLevel.set(h.levelId, (perLevel.get(h.levelId) ?? 0) + h.quantity);
    perCustomer.set(h.customerId, (perCustomer.get(h.customerId) ?? 0) + h.quantity);
    writes.push(
      s.setHoldStatus(h.id, kind === "expire" ? "expired" : "released", now, true),
      s.insertMovement({
        spiritId: state.spiritId,
        levelId: h.levelId,
        batchId: h.batchId,
        locationId: h.locationId,
        kind,
        onHandDelta: 0,
        reservedDelta: -h.quantity,
        actorId,
        reason,
        orderId: h.orderId,
        holdId: h.id,
        operationId,
        at: now,
      }),
    );
    if (h.status === "committed") writes.push(s.freeHoldSerials(h.id, now));
  }
  for (const [levelId, n] of perLevel) writes.push(s.changeLevel(levelId, 0, -n, now));
  for (const [customerId, n] of perCustomer) {
    writes.push(s.changeCustomerTotal(customerId, state.spiritId, -n, null, now));
  }

  const touched: LevelState[] = [];
  for (const [levelId, n] of perLevel) {
    const l = state.levels.find((x) => x.id === levelId);
    if (!l) continue;
    l.reserved -= n;
    l.version += 1;
    touched.push(l);
  }
  for (const [customerId, n] of perCustomer) {
    if (state.totals.has(customerId)) state.totals.set(customerId, state.totals.get(customerId)! - n);
  }
  for (const h of holds) h.status = kind === "expire" ? "expired" : "released";
  return {
    unit: unitOf(guards, writes, attach),
    holds: [],
    released: holds.reduce((n, h) => n + h.quantity, 0),
    levels: touched,
    expiries: [],
  };
}

/** One unit per order whose holds on this spirit have lapsed: they go first in every group. */
export function planExpiries(state: SpiritState): Planned[] {
  const byOrder = new Map<string, HoldState[]>();
  for (const h of state.dueHolds) {
    if (h.status !== "active") continue;
    const list = byOrder.get(h.orderId) ?? [];
    list.push(h);
    byOrder.set(h.orderId, list);
  }
  return [...byOrder.values()].map((holds) => planGiveBack(state, holds, "expire", null, "hold expired"));
}

function planRelease(state: SpiritState, op: ReleaseRequest): Plan {
  const holds = (state.orderHolds.get(op.orderId) ?? []).filter(
    (h) => h.status === "active" || (op.includeCommitted && h.status === "committed"),
  );
  return planGiveBack(state, holds, "release", op.actorId, op.reason, op.attach);
}

function planPreorder(state: SpiritState, op: PreorderRequest): Plan {
  const now = state.now;
  const total = op.lines.reduce((n, l) => n + l.quantity, 0);
  const over = limitRefusal(state, op.customerId, total, op.maxPerCustomer);
  if (over) return over;
  const room = op.allocation - state.preorderTaken;
  if (total > room) {
    return refuse(
      "allocation-exhausted",
      `The pre-order allocation has ${Math.max(room, 0)} bottle${room === 1 ? "" : "s"} left; ${total} asked.`,
      { spiritId: op.spiritId, available: Math.max(room, 0), requested: total, preorder: true },
    );
  }
  const guards: Guard[] = [s.preorderRoom(op.spiritId, total, op.allocation)];
  if (op.maxPerCustomer !== null) {
    guards.push(s.withinCustomerLimit(op.customerId, op.spiritId, total, op.maxPerCustomer));
  }
  const writes: Write[] = [
    s.changePreorderTaken(op.spiritId, total, op.allocation, now),
    s.changeCustomerTotal(op.customerId, op.spiritId, total, op.maxPerCustomer, now),
    ...op.lines.map((line) =>
      s.insertClaim({
        spiritId: op.spiritId,
        orderId: op.orderId,
        lineId: line.lineId,
        customerId: op.customerId,
        batchId: line.batchId,
        variantId: line.variantId ?? null,
        quantity: line.quantity,
        now,
      }),
    ),
  ];
  state.preorderTaken += total;
  state.totals.set(op.customerId, (state.totals.get(op.customerId) ?? 0) + total);
  return { unit: unitOf(guards, writes, op.attach), holds: [], released: 0, levels: [], expiries: [] };
}

function versionGuard(
  op: StaffStockRequest,
  level: LevelState,
  exists: boolean,
): Guard | StockRefusal | null {
  if (op.expectedVersion === undefined) return null;
  if (op.expectedVersion !== level.version) {
    return refuse(
      "stale-version",
      `The level is at version ${level.version}, not ${op.expectedVersion}: re-read it and try again.`,
      {
        levelId: exists ? level.id : null,
        currentVersion: level.version,
        expectedVersion: op.expectedVersion,
      },
    );
  }
  // A level that does not exist yet is created by this unit: the key guard stands for its version.
  return exists ? s.levelVersionIs(level.id, op.expectedVersion) : null;
}

function planStaff(state: SpiritState, op: StaffStockRequest): Plan {
  const now = state.now;
  const operationId = newId("sop");
  const guards: Guard[] = [];
  const writes: Write[] = [];
  const movement = (
    l: LevelState,
    kind: s.MovementInput["kind"],
    onHandDelta: number,
    orderId?: string | null,
  ) =>
    s.insertMovement({
      spiritId: op.spiritId,
      levelId: l.id,
      batchId: l.batchId,
      locationId: l.locationId,
      // A correction after an audit keeps its own kind, and names the audit, so the ledger tells why.
      kind: op.auditId && (kind === "adjust" || kind === "count") ? "audit_correction" : kind,
      onHandDelta,
      reservedDelta: 0,
      actorId: op.actorId,
      reason: op.auditId ? `audit ${op.auditId}${op.reason ? `: ${op.reason}` : ""}` : (op.reason ?? null),
      orderId: orderId ?? null,
      operationId,
      at: now,
    });
  /** The level at a key, created by this unit when missing. */
  const variantId = op.variantId ?? null;
  const levelAt = (locationId: string, batchId: string | null) => {
    const found = findLevel(state, locationId, batchId, variantId);
    if (found) return { level: found, exists: true };
    const level = newLevel(locationId, batchId, variantId);
    const key = { spiritId: op.spiritId, locationId, batchId, variantId };
    guards.push(s.levelKeyFree(key));
    writes.push(s.insertLevel(level.id, key, now));
    return { level, exists: false };
  };
  const touched: { level: LevelState; exists: boolean; onHandDelta: number }[] = [];

  switch (op.type) {
    case "receive": {
      const { level, exists } = levelAt(op.locationId, op.batchId);
      const vg = versionGuard(op, level, exists);
      if (vg && "ok" in vg) return vg;
      if (vg) guards.push(vg);
      if (op.serials && op.batchId) {
        guards.push(s.serialsFree(op.batchId, op.serials.from, op.serials.to));
        writes.push(s.registerSerials(op.batchId, op.locationId, op.serials.from, op.serials.to, now));
      }
      const numbers = op.returned?.bottleNumbers;
      if (numbers?.length && op.batchId && op.returned?.orderId) {
        guards.push(s.serialsShippedBy(op.returned.orderId, op.batchId, numbers));
        writes.push(s.returnSerials(op.batchId, op.locationId, numbers, now));
      }
      writes.push(
        s.changeLevel(level.id, op.quantity, 0, now),
        op.returned
          ? movement(level, "return", op.quantity, op.returned.orderId)
          : movement(level, "receive", op.quantity),
      );
      touched.push({ level, exists, onHandDelta: op.quantity });
      break;
    }
    case "adjust":
    case "count": {
      const level = findLevel(state, op.locationId, op.batchId, variantId);
      if (!level) {
        if (op.type === "count") {
          // Counting a place that never had this stock: a new level at the counted figure.
          const created = levelAt(op.locationId, op.batchId);
          const vg = versionGuard(op, created.level, false);
          if (vg && "ok" in vg) return vg;
          if (op.counted > 0) writes.push(s.changeLevel(created.level.id, op.counted, 0, now));
          writes.push(movement(created.level, "count", op.counted));
          touched.push({ level: created.level, exists: false, onHandDelta: op.counted });
          break;
        }
        return refuse(
          "unknown-level",
          `There is no stock of this spirit at that location and batch${variantId ? " in that variant" : ""}.`,
          { locationId: op.locationId, batchId: op.batchId, ...(variantId ? { variantId } : {}) },
        );
      }
      const delta = op.type === "adjust" ? op.delta : op.counted - level.onHand;
      if (level.onHand + delta < level.reserved) {
        return refuse(
          "below-reserved",
          `${level.reserved} bottle${level.reserved === 1 ? " is" : "s are"} reserved here: on-hand cannot go below that.`,
          {
            levelId: level.id,
            onHand: level.onHand,
            reserved: level.reserved,
            requestedOnHand: level.onHand + delta,
          },
        );
      }
      const vg = versionGuard(op, level, true);
      if (vg && "ok" in vg) return vg;
      if (vg) guards.push(vg);
      // A count sets an absolute figure: it only stands if on-hand is still what it was planned from.
      if (op.type === "count") guards.push(s.levelOnHandIs(level.id, level.onHand));
      guards.push(s.onHandCoversReserved(level.id, delta));
      if (delta !== 0) writes.push(s.changeLevel(level.id, delta, 0, now));
      if (delta < 0 && level.batchId)
        writes.push(s.removeSerials(level.batchId, level.locationId, -delta, now));
      writes.push(movement(level, op.type, delta));
      touched.push({ level, exists: true, onHandDelta: delta });
      break;
    }
    case "transfer": {
      const from = findLevel(state, op.fromLocationId, op.batchId, variantId);
      if (!from || available(from) < op.quantity) {
        const free = from ? available(from) : 0;
        return refuse(
          "insufficient-stock",
          `Only ${free} unreserved bottle${free === 1 ? " is" : "s are"} at ${op.fromLocationId}; ${op.quantity} asked.`,
          { available: free, requested: op.quantity },
        );
      }
      const vg = versionGuard(op, from, true);
      if (vg && "ok" in vg) return vg;
      if (vg) guards.push(vg);
      guards.push({ ...s.availableAtLeast(from.id, op.quantity), reason: "insufficient-stock" });
      const to = levelAt(op.toLocationId, op.batchId);
      writes.push(
        s.changeLevel(from.id, -op.quantity, 0, now),
        movement(from, "transfer_out", -op.quantity),
        s.changeLevel(to.level.id, op.quantity, 0, now),
        movement(to.level, "transfer_in", op.quantity),
      );
      if (op.batchId)
        writes.push(s.moveSerials(op.batchId, op.fromLocationId, op.toLocationId, op.quantity, now));
      touched.push({ level: from, exists: true, onHandDelta: -op.quantity });
      touched.push({ level: to.level, exists: to.exists, onHandDelta: op.quantity });
      break;
    }
  }
  for (const t of touched) {
    if (!t.exists) state.levels.push(t.level);
    if (t.onHandDelta !== 0 || !t.exists) {
      t.level.onHand += t.onHandDelta;
      t.level.version += t.onHandDelta !== 0 ? 1 : 0;
    }
  }
  return {
    unit: unitOf(guards, writes, op.type === "receive" ? op.attach : undefined),
    holds: [],
    released: 0,
    levels: touched.map((t) => t.level),
    expiries: [],
  };
}

export function planOperation(state: SpiritState, op: SpiritOperation): Plan {
  switch (op.type) {
    case "hold":
      return planHold(state, op);
    case "release":
      return planRelease(state, op);
    case "preorder":
      return planPreorder(state, op);
    case "expire":
      // The group's expiries already ran first; nothing more to do.
      return { unit: { guards: [], writes: [] }, holds: [], released: 0, levels: [], expiries: [] };
    default:
      return planStaff(state, op);
  }
}

export const levelChanges = (levels: LevelState[]): LevelChange[] =>
  levels.map((l) => ({ levelId: l.id, version: l.version }));
