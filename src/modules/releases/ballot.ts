/**
 * The ballot's draw and what follows it. The draw is claimed first (drawn_at, guarded), which also shuts
 * the door on new entries; then the live entries are shuffled (ballot-draw.ts) and their places written in
 * one batch. Settling offers bottles in draw order: each winner gets an order reserved for the claim
 * window (its holds through the stock engine), up to OFFER_ROUND winners at a time placed together, the
 * round sized by the bottles free so that the draw's order decides who gets them; an order not paid in
 * time, or cancelled, lapses and its bottles pass to the next entry, until every bottle is paid for or no entry is left. Each step is safe to
 * repeat after a crash: an offer's order id is written before the order is placed, so a retry finds or
 * re-places that one order, never a second.
 */
import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { type ReleaseEntryRow, releaseBallots, releaseEntries } from "../../db/schema/ballots.ts";
import type { OrderStatus } from "../../db/schema/orders.ts";
import { releases } from "../../db/schema/releases.ts";
import { DomainError } from "../../domain-error.ts";
import { outboxInsertIfChanged } from "../events/outbox.ts";
import type { BallotContext } from "./ballot.context.ts";
import type { Draw, DrawResult } from "./ballot.schemas.ts";
import { DRAW_ALGORITHM, drawOrder, entriesDigest, firstWinners } from "./ballot-draw.ts";
import { drawableEntries } from "./ballot-entries.ts";

const ENDED: readonly OrderStatus[] = ["expired", "cancelled", "refunded"];

async function ballotRow(ctx: BallotContext, releaseId: string) {
  const row = await ctx.deps.db.query.releaseBallots.findFirst({
    where: eq(releaseBallots.releaseId, releaseId),
  });
  if (!row) {
    const release = await ctx.ports.release(releaseId);
    throw new DomainError("not-drawable", `Release ${releaseId} is sold ${release.mode}, not by ballot.`, {
      extra: { closesAt: release.closesAt },
    });
  }
  return row;
}

/** Staff draw a ballot once its window has closed (the settle loop draws it by itself otherwise). */
export async function drawBallot(
  ctx: BallotContext,
  releaseId: string,
  actorId: string | null,
): Promise<DrawResult> {
  const { db, clock } = ctx.deps;
  const release = await ctx.ports.release(releaseId);
  const ballot = await ballotRow(ctx, releaseId);
  const now = clock.now().toISOString();
  if (ballot.drawnAt) throw new DomainError("already-drawn", `The ballot was drawn at ${ballot.drawnAt}.`);
  if (now < release.closesAt) {
    throw new DomainError("not-drawable", `The ballot takes entries until ${release.closesAt}.`, {
      extra: { closesAt: release.closesAt },
    });
  }
  const [claimed] = await db
    .update(releaseBallots)
    .set({ drawnAt: now })
    .where(and(eq(releaseBallots.releaseId, releaseId), isNull(releaseBallots.drawnAt)))
    .returning();
  if (!claimed) throw new DomainError("already-drawn", "The ballot has just been drawn.");
  const winners = await completeDraw(ctx, releaseId, actorId);
  await settleBallot(ctx, releaseId);
  const drawn = await ballotRow(ctx, releaseId);
  return {
    releaseId,
    commitment: drawn.commitment,
    seed: drawn.seed,
    drawnAt: drawn.drawnAt!,
    entriesDigest: drawn.entriesDigest!,
    entries: drawn.entryCount ?? 0,
    winners,
  };
}

/** Shuffles the live entries of a claimed draw and writes their places, digest and the event at once. */
async function completeDraw(ctx: BallotContext, releaseId: string, actorId: string | null) {
  const { db, clock } = ctx.deps;
  const ballot = await ballotRow(ctx, releaseId);
  const release = await ctx.ports.release(releaseId);
  const entries = await drawableEntries(ctx, releaseId);
  const hashes = entries.map((e) => e.hash);
  const order = await drawOrder(
    ballot.seed,
    entries.map((_, i) => i),
  );
  // Each entry's place, listed in entry id order (the order they were read in): the update then walks the
  // table's id index in order instead of jumping around it (100,000 places: ~6x faster in SQLite).
  const placeOf = new Uint32Array(entries.length);
  order.forEach((index, k) => {
    placeOf[index] = k + 1;
  });
  const places = entries.map((entry, i) => [entry.id, placeOf[i]!]);
  const winners = firstWinners(
    order.map((i) => entries[i]!),
    release.allocation,
  );
  const at = clock.now().toISOString();
  await db.batch([
    db.run(sql`UPDATE release_entries SET status = 'waiting', draw_position = d.place, updated_at = ${at}
      FROM (SELECT value ->> '$[0]' AS id, value ->> '$[1]' AS place FROM json_each(${JSON.stringify(places)})) AS d
      WHERE release_entries.id = d.id AND release_entries.status = 'entered'`),
    db
      .update(releaseBallots)
      .set({
        entriesDigest: await entriesDigest(hashes),
        entryCount: entries.length,
        drawnAllocation: release.allocation,
      })
      .where(and(eq(releaseBallots.releaseId, releaseId), isNull(releaseBallots.entriesDigest))),
    // Only the run that wrote the digest announces the draw (a staff draw and the settle loop may race).
    outboxInsertIfChanged(
      db,
      "release.drawn",
      releaseId,
      { releaseId, spiritId: release.spiritId, winners: winners.length },
      at,
    ),
    ctx.ports.audit.entry({
      actorId: actorId ?? undefined,
      action: "ballot.drawn",
      subject: releaseId,
      detail: { entries: entries.length, winners: winners.length, allocation: release.allocation },
    }),
  ]);
  return winners.length;
}

type DrawnEntry = Pick<ReleaseEntryRow, "id" | "customerId" | "quantity" | "status" | "orderId">;

const settling = new Map<string, Promise<void>>();

/** Brings a drawn ballot up to date: lapses, offers to the next entries, and settles when nothing is left. */
export function settleBallot(ctx: BallotContext, releaseId: string): Promise<void> {
  // One run per release in this process at a time; the guarded SQL keeps other processes honest.
  const running = settling.get(releaseId);
  if (running) return running;
  const run = settleOnce(ctx, releaseId).finally(() => settling.delete(releaseId));
  settling.set(releaseId, run);
  return run;
}

async function settleOnce(ctx: BallotContext, releaseId: string) {
  const { db } = ctx.deps;
  let ballot = await ballotRow(ctx, releaseId);
  if (!ballot.drawnAt || ballot.settledAt) return;
  if (!ballot.entriesDigest) {
    await completeDraw(ctx, releaseId, null);
    ballot = await ballotRow(ctx, releaseId);
  }
  const release = await ctx.ports.release(releaseId);
  const e = releaseEntries;
  const columns = {
    id: e.id,
    customerId: e.customerId,
    quantity: e.quantity,
    status: e.status,
    orderId: e.orderId,
  };
  const offered: DrawnEntry[] = await db
    .select(columns)
    .from(e)
    .where(and(eq(e.releaseId, releaseId), inArray(e.status, ["won", "awarding"])));
  const orders = await ctx.ports.orderStatuses(offered.map((o) => o.orderId!));
  let unpaid = false;
  for (const entry of offered) {
    const order = orders.get(entry.orderId!);
    if (entry.status === "awarding") {
      // A crash between fixing the order id and recording the offer: finish it either way.
      if (!order) {
        unpaid ||= (await offer(ctx, release, ballot.claimMinutes, entry)) === true;
        continue;
      }
      await recordOffer(ctx, release, entry, order.expiresAt);
    }
    if (ENDED.includes(order!.status)) {
      await mark(ctx, entry, "won", { status: "lapsed", note: `order ${order!.status}` });
    } else if (order!.status === "reserved") unpaid = true;
  }

  const allocation = ballot.drawnAllocation ?? release.allocation;
  const held = (o: DrawnEntry) => o.status === "won" || o.status === "awarding";
  let left = allocation - offered.filter(held).reduce((n, o) => n + o.quantity, 0);
  // The waitlist in draw order, a page at a time: only as far down as the bottles left reach.
  const waiting = (after: number, limit: number) =>
    db
      .select({ ...columns, position: e.drawPosition })
      .from(e)
      .where(
        and(
          eq(e.releaseId, releaseId),
          eq(e.status, "waiting"),
          gt(e.drawPosition, after),
          lte(e.quantity, left),
        ),
      )
      .orderBy(asc(e.drawPosition))
      .limit(limit);
  let soldOut = false;
  let after = 0;
  while (left > 0 && !soldOut) {
    const page = await waiting(after, OFFER_ROUND);
    if (!page.length) break;
    // The round's offers, in draw order: while they fit the bottles left to award and the bottles free now.
    // Sized by the free bottles, the round's orders can be placed together (one stock commit for many
    // holds, round trips overlapped) and still keep the draw's order: a winner is never refused a bottle
    // that someone drawn after them got in the same round.
    let free = await ctx.ports.freeBottles(release.spiritId, release.batchId);
    let budget = left;
    const round: DrawnEntry[] = [];
    for (const entry of page) {
      if (entry.quantity > budget) {
        after = entry.position!;
        continue;
      }
      if (entry.quantity > free) {
        soldOut = true;
        break;
      }
      after = entry.position!;
      round.push(entry);
      budget -= entry.quantity;
      free -= entry.quantity;
    }
    if (!round.length) continue;
    const claimed = await claimOffers(ctx, releaseId, allocation, round);
    const outcomes = await Promise.all(
      claimed.map((entry) => offer(ctx, release, ballot.claimMinutes, entry)),
    );
    for (const [k, placed] of outcomes.entries()) {
      // Bottles gone since they were counted (another sale of the spirit): the entry is back in line.
      if (placed === "sold-out") soldOut = true;
      else if (placed) {
        left -= claimed[k]!.quantity;
        unpaid = true;
      }
    }
  }

  const stillWaiting = left > 0 && (await waiting(0, 1)).length > 0;
  if (!unpaid && (left <= 0 || !stillWaiting || soldOut)) await settle(ctx, release);
}

/** Entries given an offer per round of settling: their orders are placed together. */
const OFFER_ROUND = 64;

/**
 * Fixes each entry's order id and marks it awarding, in draw order, in one batch: each claim's guard sees
 * the ones before it, so the awarded bottles never pass the allocation. Answers the entries claimed.
 */
async function claimOffers(
  ctx: BallotContext,
  releaseId: string,
  allocation: number,
  round: DrawnEntry[],
): Promise<DrawnEntry[]> {
  const { db, clock } = ctx.deps;
  const at = clock.now().toISOString();
  const ids = round.map(() => newId("ord"));
  const [first, ...rest] = round.map((entry, k) =>
    db.run(sql`UPDATE release_entries SET status = 'awarding', order_id = ${ids[k]!},
        updated_at = ${at}
      WHERE id = ${entry.id} AND status = 'waiting'
        AND quantity + (SELECT coalesce(sum(quantity), 0) FROM release_entries
          WHERE release_id = ${releaseId} AND status IN ('awarding', 'won')) <= ${allocation}`),
  );
  const results = await db.batch([first!, ...rest]);
  return round.flatMap((entry, k) =>
    results[k]!.rowsAffected > 0 ? [{ ...entry, status: "awarding" as const, orderId: ids[k]! }] : [],
  );
}

/**
 * Places the offered entry's order (its id fixed beforehand) and records the offer. A refusal that is the
 * entry's own (no longer eligible, cannot receive spirits there) marks it refused; running out of bottles
 * puts it back in line and answers "sold-out".
 */
async function offer(
  ctx: BallotContext,
  release: { id: string; spiritId: string; batchId: string | null },
  claimMinutes: number,
  entry: DrawnEntry,
): Promise<boolean | "sold-out"> {
  // Only offered entries' addresses are read: a ballot may have a hundred thousand of them.
  const [row] = await ctx.deps.db
    .select({ shipping: releaseEntries.shipping })
    .from(releaseEntries)
    .where(eq(releaseEntries.id, entry.id));
  const shipping = row!.shipping;
  try {
    const order = await ctx.ports.placeWinnerOrder(
      entry.customerId,
      { spiritId: release.spiritId, batchId: release.batchId, quantity: entry.quantity, shipping },
      { releaseGrant: release.id, holdMinutes: claimMinutes, orderId: entry.orderId! },
    );
    await recordOffer(ctx, release, entry, order.expiresAt);
    return true;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.code === "sold-out" || err.code === "stock-conflict") {
      await mark(ctx, entry, "awarding", { status: "waiting", orderId: null });
      return "sold-out";
    }
    await mark(ctx, entry, "awarding", { status: "refused", note: `${err.code}: ${err.detail}` });
    return false;
  }
}

async function recordOffer(
  ctx: BallotContext,
  release: { id: string; spiritId: string },
  entry: DrawnEntry,
  payBy: string | null,
): Promise<void> {
  const { db, clock } = ctx.deps;
  const at = clock.now().toISOString();
  const [updated] = await db.batch([
    db
      .update(releaseEntries)
      .set({ status: "won", updatedAt: at })
      .where(and(eq(releaseEntries.id, entry.id), eq(releaseEntries.status, "awarding")))
      .returning({ id: releaseEntries.id }),
    outboxInsertIfChanged(
      db,
      "release.won",
      release.id,
      {
        releaseId: release.id,
        spiritId: release.spiritId,
        customerId: entry.customerId,
        orderId: entry.orderId!,
        payBy: payBy ?? at,
      },
      at,
    ),
  ]);
  entry.status = updated.length ? "won" : entry.status;
}

/** Moves an entry on from the status it is known to be in, here and in memory. */
async function mark(
  ctx: BallotContext,
  entry: DrawnEntry,
  from: ReleaseEntryRow["status"],
  set: Partial<Pick<ReleaseEntryRow, "status" | "note" | "orderId">>,
) {
  await ctx.deps.db
    .update(releaseEntries)
    .set({ ...set, updatedAt: ctx.deps.clock.now().toISOString() })
    .where(and(eq(releaseEntries.id, entry.id), eq(releaseEntries.status, from)));
  Object.assign(entry, set);
}

async function settle(ctx: BallotContext, release: { id: string; spiritId: string }) {
  const { db, clock } = ctx.deps;
  const at = clock.now().toISOString();
  await db.batch([
    db
      .update(releaseBallots)
      .set({ settledAt: at })
      .where(and(eq(releaseBallots.releaseId, release.id), isNull(releaseBallots.settledAt))),
    // In the same batch as the settling, so it is never settled without the event (nor announced twice).
    outboxInsertIfChanged(
      db,
      "release.closed",
      release.id,
      { releaseId: release.id, spiritId: release.spiritId },
      at,
    ),
    db
      .update(releaseEntries)
      .set({ status: "lost", updatedAt: at })
      .where(
        and(eq(releaseEntries.releaseId, release.id), inArray(releaseEntries.status, ["waiting", "entered"])),
      ),
  ]);
}

/** The settle loop's work (Bun's timer, the Worker's minute cron): draw what has closed, settle what is drawn. */
export async function settleDueBallots(ctx: BallotContext) {
  const now = ctx.deps.clock.now().toISOString();
  const due = await ctx.deps.db
    .select({ id: releaseBallots.releaseId, drawnAt: releaseBallots.drawnAt })
    .from(releaseBallots)
    .innerJoin(releases, eq(releases.id, releaseBallots.releaseId))
    .where(
      and(
        isNull(releaseBallots.settledAt),
        or(isNotNull(releaseBallots.drawnAt), lte(releases.closesAt, now)),
      ),
    );
  let drawn = 0;
  for (const { id, drawnAt } of due) {
    if (!drawnAt) {
      try {
        await drawBallot(ctx, id, null);
        drawn++;
      } catch (err) {
        if (!(err instanceof DomainError && err.code === "already-drawn")) throw err;
      }
    } else await settleBallot(ctx, id);
  }
  return { ballotsDrawn: drawn, ballotsSettling: due.length };
}

/** What anyone may check: the commitment, and once drawn the seed, the entries' hashes, places and winners. */
export async function publishedDraw(ctx: BallotContext, releaseId: string): Promise<Draw> {
  const ballot = await ballotRow(ctx, releaseId);
  const base = {
    releaseId,
    algorithm: DRAW_ALGORITHM,
    commitment: ballot.commitment,
    seed: null,
    drawnAt: null,
    allocation: null,
    entriesDigest: null,
    entries: [],
    winners: [],
  } satisfies Draw;
  if (!ballot.drawnAt || !ballot.entriesDigest) return base;
  const rows = await ctx.deps.db
    .select({
      hash: releaseEntries.hash,
      quantity: releaseEntries.quantity,
      position: releaseEntries.drawPosition,
      status: releaseEntries.status,
    })
    .from(releaseEntries)
    .where(and(eq(releaseEntries.releaseId, releaseId), isNotNull(releaseEntries.drawPosition)))
    .orderBy(asc(releaseEntries.id));
  const entries = rows.map((r) => ({
    hash: r.hash,
    quantity: r.quantity,
    position: r.position!,
    outcome: r.status as Draw["entries"][number]["outcome"],
  }));
  const inOrder = [...entries].sort((a, b) => a.position - b.position);
  return {
    ...base,
    seed: ballot.seed,
    drawnAt: ballot.drawnAt,
    allocation: ballot.drawnAllocation,
    entriesDigest: ballot.entriesDigest,
    entries,
    winners: firstWinners(inOrder, ballot.drawnAllocation ?? 0).map((e) => e.hash),
  };
}

/** Whether the ballot is over: its order gate is lifted once it is. */
export async function isSettled(ctx: BallotContext, releaseId: string) {
  return Boolean((await ballotRow(ctx, releaseId)).settledAt);
}
