/**
 * The outbox consumer that moves a waitlist as soon as its spirit's stock changes (a cancellation, a
 * lapsed hold, a receipt all end in `stock.changed`), instead of at the next periodic round. The earmark
 * guard already keeps the freed bottles from other buyers meanwhile; this only makes the offer come sooner.
 * At least once is safe: advancing a waitlist that is up to date does nothing.
 */
import { and, eq, inArray } from "drizzle-orm";
import { waitlistEntries } from "../../db/schema/waitlists.ts";
import type { EventConsumer } from "../events/domain-events.ts";
import { advanceWaitlist } from "./waitlist-offers.ts";
import type { WaitlistContext } from "./waitlists.context.ts";

export function waitlistConsumer(ctx: WaitlistContext): EventConsumer {
  return {
    name: "waitlists",
    async handle(event) {
      if (event.type !== "stock.changed" && event.type !== "stock.back_in_stock") return;
      const { spiritId } = event.payload as { spiritId: string };
      const [waiting] = await ctx.deps.db
        .select({ id: waitlistEntries.id })
        .from(waitlistEntries)
        .where(
          and(
            eq(waitlistEntries.spiritId, spiritId),
            inArray(waitlistEntries.status, ["waiting", "offering"]),
          ),
        )
        .limit(1);
      if (waiting) await advanceWaitlist(ctx, spiritId);
    },
  };
}
