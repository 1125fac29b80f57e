/**
 * Stock counts of many levels at once (a stock-take imported as CSV): all of them or none, as ONE guarded
 * unit in one atomic batch, like the order-wide operations (order-stock.ts). Each count is what the
 * planner makes of a single `count` (planner.ts): it sets on-hand to the figure found, only if on-hand is
 * still what the plan read and stays at or above what is reserved, with one `count` row in the ledger, a
 * version bump of the level, and numbered bottles removed when it goes down. A level that does not exist
 * yet is created (guarded on its key). A count that changes nothing writes nothing, so importing an export
 * leaves the ledger as it was.
 *
 * Safe beside the spirits' own queues: a count only moves on-hand of levels those queues also guard on,
 * so a hold they planned before it fails its guard and is planned again (as after a ship), and this unit's
 * guards fail if a hold or anything else moved a level after it was read. Pure over a libSQL Client.
 */
import type { Client } from "@libsql/client";
import { newId } from "../db/ids.ts";
import type { StockRefusal } from "./coordinator.ts";
import { commitUnits, type Guard, num, str, strOrNull, type Write } from "./ledger.ts";
import { refuse } from "./planner.ts";
import * as s from "./statements.ts";

export type CountLine = { spiritId: string; locationId: string; batchId: string | null; counted: number };

export type CurrentLevel = { id: string; onHand: number; reserved: number; version: number };

/** What one count does: before and after, and whether the level is new. */
export type PlannedCount = CountLine & {
  levelId: string;
  exists: boolean;
  onHand: number;
  reserved: number;
  delta: number;
};

export const levelKey = (l: { spiritId: string; locationId: string; batchId: string | null }) =>
  `${l.spiritId}\u0000${l.locationId}\u0000${l.batchId ?? ""}`;

/** The current levels of these spirits, by key (levelKey). */
export async function readLevels(client: Client, spiritIds: string[]): Promise<Map<string, CurrentLevel>> {
  const out = new Map<string, CurrentLevel>();
  const ids = [...new Set(spiritIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rs = await client.execute({
      // A stock-take counts the spirits' standard units; variants are counted through the inventory API.
      sql: `SELECT id, spirit_id, location_id, batch_id, on_hand, reserved, version FROM inventory_levels
            WHERE variant_key = '' AND spirit_id IN (${chunk.map(() => "?").join(", ")})`,
      args: chunk,
    });
    for (const r of rs.rows) {
      out.set(
        levelKey({
          spiritId: str(r.spirit_id),
          locationId: str(r.location_id),
          batchId: strOrNull(r.batch_id),
        }),
        { id: str(r.id), onHand: num(r.on_hand), reserved: num(r.reserved), version: num(r.version) },
      );
    }
  }
  return out;
}

/** Each line against the levels read; a line that would go below what is reserved is a refusal. */
export function planCount(levels: Map<string, CurrentLevel>, line: CountLine): PlannedCount | StockRefusal {
  const level = levels.get(levelKey(line));
  if (level && line.counted < level.reserved) {
    return refuse(
      "below-reserved",
      `${level.reserved} bottle${level.reserved === 1 ? " is" : "s are"} reserved here: on-hand cannot go below that.`,
      { levelId: level.id, onHand: level.onHand, reserved: level.reserved, requestedOnHand: line.counted },
    );
  }
  return {
    ...line,
    levelId: level?.id ?? newId("lvl"),
    exists: Boolean(level),
    onHand: level?.onHand ?? 0,
    reserved: level?.reserved ?? 0,
    delta: line.counted - (level?.onHand ?? 0),
  };
}

/** True when the count changes nothing (the same figure, or 0 where there is no level). */
export const countIsNoop = (c: PlannedCount) => c.delta === 0;

export type BulkCountRequest = {
  counts: PlannedCount[];
  actorId: string | null;
  reason: string | null;
  now: string;
};

/** Commits the counts that change something as one unit; a refusal means nothing was written. */
export async function commitCounts(
  client: Client,
  req: BulkCountRequest,
): Promise<{ ok: true; spiritIds: string[] } | StockRefusal> {
  const { now } = req;
  const operationId = newId("sop");
  const guards: Guard[] = [];
  const writes: Write[] = [];
  const changing = req.counts.filter((c) => !countIsNoop(c));
  for (const c of changing) {
    const key = { spiritId: c.spiritId, locationId: c.locationId, batchId: c.batchId };
    if (c.exists) {
      guards.push(s.levelOnHandIs(c.levelId, c.onHand), s.onHandCoversReserved(c.levelId, c.delta));
    } else {
      guards.push(s.levelKeyFree(key));
      writes.push(s.insertLevel(c.levelId, key, now));
    }
    writes.push(s.changeLevel(c.levelId, c.delta, 0, now));
    if (c.delta < 0 && c.batchId) writes.push(s.removeSerials(c.batchId, c.locationId, -c.delta, now));
    writes.push(
      s.insertMovement({
        spiritId: c.spiritId,
        levelId: c.levelId,
        batchId: c.batchId,
        locationId: c.locationId,
        kind: "count",
        onHandDelta: c.delta,
        reservedDelta: 0,
        actorId: req.actorId,
        reason: req.reason,
        operationId,
        at: now,
      }),
    );
  }
  const spiritIds = [...new Set(changing.map((c) => c.spiritId))].sort();
  if (!changing.length) return { ok: true, spiritIds };
  const { outcomes } = await commitUnits(client, [{ guards, writes }], [], { spiritIds, at: now });
  const outcome = outcomes[0]!;
  if (outcome.ok) return { ok: true, spiritIds };
  return refuse(
    outcome.reason === "below-reserved" ? "below-reserved" : "rejected",
    "The stock changed while the counts were checked (a hold or another change); nothing was written: read it again and retry.",
    { reason: outcome.reason },
  );
}
