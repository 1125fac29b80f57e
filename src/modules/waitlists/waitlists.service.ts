/**
 * The waitlists' operations bound to one context, for handlers, the event consumer and the runtimes'
 * periodic job. Each lives in the file of its concern: waitlist-entries.ts (joining, the owner's entry,
 * withdrawing, staff lists), waitlist-offers.ts (offers down the line, lapses, claims), earmark.ts (the
 * guard that keeps freed bottles for the line), waitlist-consumer.ts (advancing on stock events).
 */
import type { Deps } from "../../deps.ts";
import { waitlistConsumer } from "./waitlist-consumer.ts";
import { joinWaitlist, listEntries, myEntry, withdrawEntry } from "./waitlist-entries.ts";
import { advanceDueWaitlists, advanceWaitlist } from "./waitlist-offers.ts";
import type { WaitlistContext, WaitlistPorts } from "./waitlists.context.ts";
import type { StaffWaitlistQuery, WaitlistJoin } from "./waitlists.schemas.ts";

export function createWaitlistsService(deps: Deps, ports: WaitlistPorts) {
  const ctx: WaitlistContext = { deps, ports };
  return {
    join: (spiritId: string, customerId: string, input: WaitlistJoin) =>
      joinWaitlist(ctx, spiritId, customerId, input),
    mine: (spiritId: string, customerId: string) => myEntry(ctx, spiritId, customerId),
    withdraw: (spiritId: string, customerId: string) => withdrawEntry(ctx, spiritId, customerId),
    list: (spiritId: string, q: StaffWaitlistQuery) => listEntries(ctx, spiritId, q),
    advance: (spiritId: string) => advanceWaitlist(ctx, spiritId),
    /** Every waitlist with entries still owed bottles (Bun's timer, the Worker's minute cron). */
    advanceDue: () => advanceDueWaitlists(ctx),
    consumer: waitlistConsumer(ctx),
  };
}

export type WaitlistsService = ReturnType<typeof createWaitlistsService>;
