/**
 * Commits a coordinator group's units with the spirit's snapshot read back in the same transaction. If
 * the batch fails as a whole (a CHECK constraint caught what a guard missed, the database itself), nothing
 * was written, so the units are committed one by one: one bad operation cannot fail the others.
 */
import type { Client } from "@libsql/client";
import type { Logger } from "../deps.ts";
import { commitUnits, readSnapshot, type Unit, type UnitOutcome } from "./ledger.ts";
import { snapshotReads } from "./spirit-state.ts";

export type GroupOutcome = UnitOutcome | { ok: false; error: unknown };

export async function commitGroup(
  client: Client,
  units: Unit[],
  spiritId: string,
  now: string,
  logger?: Logger,
): Promise<{ outcomes: GroupOutcome[]; reads: Awaited<ReturnType<typeof readSnapshot>> }> {
  const marks = { spiritIds: [spiritId], at: now };
  try {
    const res = await commitUnits(client, units, snapshotReads(spiritId, now), marks);
    return { outcomes: res.outcomes, reads: res.reads };
  } catch (err) {
    logger?.log("warn", {
      msg: "stock batch failed as a whole; committing unit by unit",
      spiritId,
      err: String(err),
    });
    const outcomes: GroupOutcome[] = [];
    for (const unit of units) {
      try {
        outcomes.push((await commitUnits(client, [unit], [], marks)).outcomes[0]!);
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    return { outcomes, reads: await readSnapshot(client, snapshotReads(spiritId, now)) };
  }
}

/** planExpiries makes one unit per order, in the order its lapsed holds come: how many holds committed. */
export function expiredHoldsCommitted(
  due: readonly { orderId: string; status: string }[],
  outcomes: readonly { ok: boolean }[],
): number {
  const perOrder = new Map<string, number>();
  for (const h of due) if (h.status === "active") perOrder.set(h.orderId, (perOrder.get(h.orderId) ?? 0) + 1);
  let holds = 0;
  [...perOrder.values()].forEach((n, i) => {
    if (outcomes[i]?.ok) holds += n;
  });
  return holds;
}
