/**
 * What the local coordinator remembers of each spirit's last commit: the levels that commit read back
 * inside its write transaction, what they left available, and until when that stays exact (the spirit's
 * next hold expiry: from then on a lapsed hold counts as released for readers but is still in `reserved`).
 *
 * Two uses. `availableAsOf` answers the coordinator's knownAvailable hint (latecomers of a drop refused
 * before the costlier checks). `planStateFrom` lets a group of new holds be planned without reading the
 * spirit's state first: one round trip less on a remote database, a transaction less on the file.
 *
 * Being the only writer of the spirit's levels in its process, the coordinator sees every other change:
 * its own groups replace the entry, order-wide changes drop it. Another process on the same database is
 * not seen, which is why a plan made from here is only ever trusted for what the guards then confirm.
 */
import type { LevelState, SpiritState, snapshotFrom } from "./spirit-state.ts";

export type LastCommit = { available: number; until: number; levels?: LevelState[] };
export type LastCommits = Map<string, LastCommit>;

/** Records what a commit (or a fresh snapshot) of the spirit read back. */
export function rememberCommit(known: LastCommits, snap: ReturnType<typeof snapshotFrom>): void {
  known.set(snap.event.spiritId, {
    available: snap.event.available,
    until: snap.nextExpiry ? Date.parse(snap.nextExpiry) : Number.POSITIVE_INFINITY,
    // Only without lapsed holds is a snapshot level's `reserved` the row's own, which plans start from.
    levels:
      snap.lapsed === 0
        ? snap.levels.map((l) => ({
            id: l.levelId,
            batchId: l.batchId,
            variantId: l.variantId,
            locationId: l.locationId,
            onHand: l.onHand,
            reserved: l.reserved,
            version: l.version,
          }))
        : undefined,
  });
}

/** Bottles available as of the spirit's last commit, while that figure is exact; else undefined. */
export function availableAsOf(known: LastCommits, spiritId: string, nowMs: number): number | undefined {
  const k = known.get(spiritId);
  if (!k || nowMs >= k.until) return undefined;
  return k.available;
}

/**
 * The state to plan a group from without reading, when the group is only first attempts at holds and no
 * hold can have lapsed since the last commit. Holds need nothing else: their customers' totals are
 * unknown here, and the limit guard in the batch decides. Safe against a writer the coordinator cannot
 * see: a hold planned on stale levels fails its guard and is planned again from a fresh read, and the
 * caller sends the whole group to a fresh read if the plan refuses anyone, so nobody is refused on
 * remembered stock. Retries always read: a customer over the spirit's limit is refused by the guard
 * first, then by a plan that knows their total.
 */
export function planStateFrom(
  known: LastCommits,
  spiritId: string,
  now: string,
  group: readonly { op: { type: string }; attempts: number }[],
): SpiritState | undefined {
  const k = known.get(spiritId);
  if (!k?.levels || Date.parse(now) >= k.until) return undefined;
  if (!group.every((job) => job.op.type === "hold" && job.attempts === 0)) return undefined;
  return {
    spiritId,
    now,
    // Copies: planning moves the levels as it goes.
    levels: k.levels.map((l) => ({ ...l })),
    totals: new Map(),
    preorderTaken: 0,
    dueHolds: [],
    orderHolds: new Map(),
  };
}
