import type { ReleaseRow } from "../../db/schema/releases.ts";

export const RELEASE_STATES = ["scheduled", "open", "drawing", "closed", "sold_out"] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/**
 * The state is derived, never stored: from the clock and the bottles still available to the release.
 * `drawing` belongs to ballots between their close and their draw (the ballot piece is not built yet).
 */
export function releaseState(row: ReleaseRow, remaining: number, now: Date): ReleaseState {
  const t = now.toISOString();
  if (t < row.opensAt) return "scheduled";
  if (t >= row.closesAt) return "closed";
  return remaining <= 0 ? "sold_out" : "open";
}
