import type { ReleaseBallotRow } from "../../db/schema/ballots.ts";
import type { ReleaseRow } from "../../db/schema/releases.ts";

export const RELEASE_STATES = ["scheduled", "open", "drawing", "closed", "sold_out"] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/**
 * The state is derived, never stored: from the clock and the bottles still available to the release.
 * A ballot takes entries while `open` (whatever the stock), is `drawing` from its close until its draw,
 * then `closed` (or `sold_out`) like the others.
 */
export function releaseState(
  row: ReleaseRow,
  remaining: number,
  now: Date,
  ballot?: Pick<ReleaseBallotRow, "drawnAt">,
): ReleaseState {
  const t = now.toISOString();
  if (t < row.opensAt) return "scheduled";
  if (ballot && t < row.closesAt) return "open";
  if (ballot && !ballot.drawnAt) return "drawing";
  if (t >= row.closesAt) return "closed";
  return remaining <= 0 ? "sold_out" : "open";
}
