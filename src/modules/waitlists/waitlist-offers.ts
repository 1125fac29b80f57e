/**
 * Offering freed bottles down the line. Run after anything that frees stock of a spirit (its `stock.changed`
 * event, see waitlist-consumer.ts) and by the periodic job (Bun's timer, the Worker's minute cron, after the
 * reaper): offers whose orders ended unpaid lapse, paid ones are claimed, and while the free bottles cover
 * the first entry in line it gets an order reserved for WAITLIST_OFFER_MINUTES through the ordinary
 * placing path (as many entries from the head as the free bottles cover at once, placed together).
 * The line is strict: an entry the free bottles do not cover yet waits, and those behind it wait too. Each
 * step is a guarded write, safe to repeat after a crash or from a second process: an offer's order id is
 * fixed before the order is placed, so a retry finds or re-places that one order, never a second.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import type { OrderStatus } from "../../db/schema/orders.ts";
import { type WaitlistEntryRow, waitlistEntries } from "../../db/schema/waitlists.ts";
import { DomainError } from "../../domain-error.ts";
import { outboxInsertIfChanged } from "../events/outbox.ts";
import type { WaitlistContext } from "./waitlists.context.ts";

const ENDED: readonly OrderStatus[] = ["expired", "cancelled", "refunded"];

export type AdvanceResult = { offered: number; lapsed: number; claimed: number; refused: number };

const advancing = new Map<string, Promise<AdvanceResult>>();

/** Brings the spirit's waitlist up to date; one run per spirit in this process at a time (SQL guards the rest). */
export function advanceWaitlist(ctx: WaitlistContext, spiritId: string): Promise<AdvanceResult> {
  const running = advancing.get(spiritId);
  if (running) return running;
  const run = advanceOnce(ctx, spiritId).finally(() => advancing.delete(spiritId));
  advancing.set(spiritId, run);
  return run;
}

/** Every spirit with entries still owed bottles (the periodic job's work). */
export async function advanceDueWaitlists(ctx: WaitlistContext) {
  const spirits = await ctx.deps.db
    .selectDistinct({ spiritId: waitlistEntries.spiritId })
    .from(waitlistEntries)
    .where(inArray(waitlistEntries.status, ["waiting", "offering", "offered"]));
  const total: AdvanceResult = { offered: 0, lapsed: 0, claimed: 0, refused: 0 };
  for (const { spiritId } of spirits) {
    const r = await advanceWaitlist(ctx, spiritId);
    total.offered += r.offered;
    total.lapsed += r.lapsed;
    total.claimed += r.claimed;
    total.refused += r.refused;
  }
  return { waitlistsAdvanced: spirits.length, waitlistOffers: total.offered, waitlistLapsed: total.lapsed };
}

async function advanceOnce(ctx: WaitlistContext, spiritId: string): Promise<AdvanceResult> {
  const result: AdvanceResult = { offered: 0, lapsed: 0, claimed: 0, refused: 0 };
  const { db } = ctx.deps;
  const pending = await db
    .select()
    .from(waitlistEntries)
    .where(
      and(eq(waitlistEntries.spiritId, spiritId), inArray(waitlistEntries.status, ["offering", "offered"])),
    );
  const orders = await ctx.ports.orderStatuses(pending.map((e) => e.orderId!));
  for (const entry of pending) {
    const order = orders.get(entry.orderId!);
    if (entry.status === "offering") {
      // A crash (or another process) between fixing the order id and recording the offer: finish it.
      if (!order) {
        const outcome = await offer(ctx, entry);
        if (outcome === "sold-out") return result;
        if (outcome === "refused") result.refused++;
        continue;
      }
      await recordOffer(ctx, entry, order.expiresAt);
    }
    if (!order || order.status === "reserved") continue;
    if (ENDED.includes(order.status)) {
      if (await mark(ctx, entry, "offered", { status: "lapsed", note: `order ${order.status}` }))
        result.lapsed++;
    } else if (await mark(ctx, entry, "offered", { status: "claimed" })) result.claimed++;
  }

  // The head of the line while the free bottles cover it, a round at a time: as many entries from the
  // head as the bottles free now cover, their orders placed together (one stock commit for many holds).
  for (;;) {
    const line = await db
      .select()
      .from(waitlistEntries)
      .where(and(eq(waitlistEntries.spiritId, spiritId), eq(waitlistEntries.status, "waiting")))
      .orderBy(asc(waitlistEntries.seq))
      .limit(OFFER_ROUND);
    let free = await ctx.ports.available(spiritId);
    const round: WaitlistEntryRow[] = [];
    for (const entry of line) {
      // Strict: an entry the free bottles do not cover waits, and those behind it with it.
      if (entry.quantity > free) break;
      round.push(entry);
      free -= entry.quantity;
    }
    if (!round.length) break;
    const claimed = await claimOffers(ctx, round);
    const outcomes = await Promise.all(claimed.map((entry) => offer(ctx, entry)));
    result.offered += outcomes.filter((o) => o === "offered").length;
    result.refused += outcomes.filter((o) => o === "refused").length;
    if (outcomes.includes("sold-out")) break;
  }
  return result;
}

/** Entries from the head of the line offered per round: their orders are placed together. */
const OFFER_ROUND = 64;

/** Fixes each entry's order id and marks it offering, in one batch; answers the entries this run claimed. */
async function claimOffers(ctx: WaitlistContext, round: WaitlistEntryRow[]): Promise<WaitlistEntryRow[]> {
  const { db, clock } = ctx.deps;
  const at = clock.now().toISOString();
  const orderIds = round.map(() => newId("ord"));
  const [first, ...rest] = round.map((entry, k) =>
    db
      .update(waitlistEntries)
      .set({ status: "offering", orderId: orderIds[k]!, updatedAt: at })
      .where(and(eq(waitlistEntries.id, entry.id), eq(waitlistEntries.status, "waiting")))
      .returning({ id: waitlistEntries.id }),
  );
  const results = await db.batch([first!, ...rest]);
  return round.flatMap((entry, k) =>
    results[k]!.length ? [{ ...entry, status: "offering" as const, orderId: orderIds[k]! }] : [],
  );
}

/**
 * Places the entry's order (its id fixed beforehand) and records the offer. A refusal that is the entry's
 * own (no longer eligible, over the limit, not shippable) marks it refused; running out of bottles puts it
 * back at its place in line.
 */
async function offer(
  ctx: WaitlistContext,
  entry: WaitlistEntryRow,
): Promise<"offered" | "refused" | "sold-out"> {
  try {
    const order = await ctx.ports.placeOfferOrder(
      entry.customerId,
      { spiritId: entry.spiritId, quantity: entry.quantity, shipping: entry.shipping },
      {
        releaseGrant: entry.id,
        holdMinutes: ctx.deps.config.WAITLIST_OFFER_MINUTES,
        orderId: entry.orderId!,
      },
    );
    await recordOffer(ctx, entry, order.expiresAt);
    return "offered";
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.code === "sold-out" || err.code === "stock-conflict") {
      await mark(ctx, entry, "offering", { status: "waiting", orderId: null });
      return "sold-out";
    }
    await mark(ctx, entry, "offering", { status: "refused", note: `${err.code}: ${err.detail}` });
    return "refused";
  }
}

async function recordOffer(ctx: WaitlistContext, entry: WaitlistEntryRow, payBy: string | null) {
  const { db, clock } = ctx.deps;
  const at = clock.now().toISOString();
  const until = payBy ?? at;
  await db.batch([
    db
      .update(waitlistEntries)
      .set({ status: "offered", offerExpiresAt: until, updatedAt: at })
      .where(and(eq(waitlistEntries.id, entry.id), eq(waitlistEntries.status, "offering"))),
    // Only the run whose update recorded the offer announces it.
    outboxInsertIfChanged(
      db,
      "waitlist.offered",
      entry.id,
      {
        entryId: entry.id,
        spiritId: entry.spiritId,
        customerId: entry.customerId,
        orderId: entry.orderId!,
        quantity: entry.quantity,
        payBy: until,
      },
      at,
    ),
  ]);
  entry.status = "offered";
}

/** Moves an entry on from the status it is known to be in; false if someone else moved it first. */
async function mark(
  ctx: WaitlistContext,
  entry: WaitlistEntryRow,
  from: WaitlistEntryRow["status"],
  set: Partial<Pick<WaitlistEntryRow, "status" | "note" | "orderId">>,
): Promise<boolean> {
  const updated = await ctx.deps.db
    .update(waitlistEntries)
    .set({ ...set, updatedAt: ctx.deps.clock.now().toISOString() })
    .where(and(eq(waitlistEntries.id, entry.id), eq(waitlistEntries.status, from)))
    .returning({ id: waitlistEntries.id });
  if (updated.length) Object.assign(entry, set);
  return updated.length > 0;
}
