/**
 * Ballots' operations bound to one context, for handlers and the runtimes' settle loops. Each lives in the
 * file of its concern: ballot-entries.ts (entering, withdrawing, staff lists and voids), ballot.ts (the
 * draw, offers to winners and the waitlist, settling), ballot-draw.ts (the shuffle anyone can recompute).
 */
import type { Deps } from "../../deps.ts";
import type { BallotContext, BallotPorts } from "./ballot.context.ts";
import type { EntryInput, EntryListQuery, StaffEntryQuery } from "./ballot.schemas.ts";
import { drawBallot, isSettled, publishedDraw, settleBallot, settleDueBallots } from "./ballot.ts";
import { enterBallot, entriesOf, listEntries, losersOf, voidEntry, withdrawEntry } from "./ballot-entries.ts";

export function createBallotsService(deps: Deps, ports: BallotPorts) {
  const ctx: BallotContext = { deps, ports };
  return {
    enter: (
      releaseId: string,
      customerId: string,
      input: EntryInput,
      client: { address: string | undefined },
    ) => enterBallot(ctx, releaseId, customerId, input, client),
    withdraw: (releaseId: string, entryId: string, customerId: string) =>
      withdrawEntry(ctx, releaseId, entryId, customerId),
    entriesOf: (customerId: string, q: EntryListQuery) => entriesOf(ctx, customerId, q),
    listEntries: (releaseId: string, q: StaffEntryQuery) => listEntries(ctx, releaseId, q),
    voidEntry: (releaseId: string, entryId: string, reason: string, actorId: string) =>
      voidEntry(ctx, releaseId, entryId, reason, actorId),
    draw: (releaseId: string, actorId: string | null) => drawBallot(ctx, releaseId, actorId),
    publishedDraw: (releaseId: string) => publishedDraw(ctx, releaseId),
    settle: (releaseId: string) => settleBallot(ctx, releaseId),
    settleDue: () => settleDueBallots(ctx),
    isSettled: (releaseId: string) => isSettled(ctx, releaseId),
    losersOf: (releaseId: string) => losersOf(ctx, releaseId),
  };
}

export type BallotsService = ReturnType<typeof createBallotsService>;
