/**
 * Entries on a sold-out spirit's waitlist: joined by a customer (only while the spirit cannot be bought),
 * read and withdrawn by their owner, listed by staff in line order.
 */
import { and, asc, count, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { isUniqueViolation } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { LIVE_WAITLIST_STATUSES, type WaitlistEntryRow, waitlistEntries } from "../../db/schema/waitlists.ts";
import { DomainError, invalidFields } from "../../domain-error.ts";
import { openDemand } from "./earmark.ts";
import type { WaitlistContext, WaitlistSpirit } from "./waitlists.context.ts";
import type {
  StaffWaitlistEntry,
  StaffWaitlistQuery,
  WaitlistEntry,
  WaitlistJoin,
} from "./waitlists.schemas.ts";

const IN_LINE = ["waiting", "offering"] as const;

async function spiritOf(ctx: WaitlistContext, spiritId: string): Promise<WaitlistSpirit> {
  const spirit = await ctx.ports.spirit(spiritId);
  if (!spirit) throw new DomainError("not-found", `Spirit ${spiritId} was not found.`);
  return spirit;
}

const isInLine = (row: WaitlistEntryRow) => (IN_LINE as readonly string[]).includes(row.status);

/** 1-based place among the entries still in line, for an entry in line; null otherwise. */
async function positionOf(ctx: WaitlistContext, row: WaitlistEntryRow): Promise<number | null> {
  if (!isInLine(row)) return null;
  const [ahead] = await ctx.deps.db
    .select({ n: count() })
    .from(waitlistEntries)
    .where(
      and(
        eq(waitlistEntries.spiritId, row.spiritId),
        inArray(waitlistEntries.status, [...IN_LINE]),
        lt(waitlistEntries.seq, row.seq),
      ),
    );
  return (ahead?.n ?? 0) + 1;
}

const view = (row: WaitlistEntryRow, position: number | null): WaitlistEntry => ({
  id: row.id,
  spiritId: row.spiritId,
  quantity: row.quantity,
  state: row.status === "offering" ? "waiting" : row.status,
  position,
  orderId: row.status === "offering" ? null : row.orderId,
  offerExpiresAt: row.offerExpiresAt,
  note: row.note,
  joinedAt: row.createdAt,
  updatedAt: row.updatedAt,
});

async function liveEntry(ctx: WaitlistContext, spiritId: string, customerId: string) {
  return ctx.deps.db.query.waitlistEntries.findFirst({
    where: and(
      eq(waitlistEntries.spiritId, spiritId),
      eq(waitlistEntries.customerId, customerId),
      inArray(waitlistEntries.status, [...LIVE_WAITLIST_STATUSES]),
    ),
  });
}

const alreadyWaitlisted = (row: WaitlistEntryRow | undefined) =>
  new DomainError("already-waitlisted", "You are already on this spirit's waitlist.", {
    extra: { entryId: row?.id ?? null, entryState: row ? view(row, null).state : null },
  });

/** Joins the line: refused while the spirit can be bought, beyond its per-customer limit, or undeliverable. */
export async function joinWaitlist(
  ctx: WaitlistContext,
  spiritId: string,
  customerId: string,
  input: WaitlistJoin,
): Promise<WaitlistEntry> {
  const { deps, ports } = ctx;
  const spirit = await spiritOf(ctx, spiritId);
  if (spirit.status === "archived") {
    throw new DomainError("not-on-sale", `${spirit.name} is no longer sold.`, { extra: { spiritId } });
  }
  // Before its release a spirit is not sold out: a line then would earmark the launch's bottles.
  const now = deps.clock.now();
  if (spirit.status === "announced" && !(spirit.releaseDate && spirit.releaseDate <= now.toISOString())) {
    throw new DomainError(
      "not-on-sale",
      `${spirit.name} is not on sale yet${spirit.releaseDate ? ` (release ${spirit.releaseDate})` : ""}: its waitlist opens once it sells out.`,
      { extra: { spiritId, releaseDate: spirit.releaseDate } },
    );
  }
  if (spirit.maxPerCustomer !== null && input.quantity > spirit.maxPerCustomer) {
    throw invalidFields([
      {
        path: "quantity",
        message: `must be at most ${spirit.maxPerCustomer}, the spirit's per-customer limit`,
      },
    ]);
  }
  const existing = await liveEntry(ctx, spiritId, customerId);
  if (existing) throw alreadyWaitlisted(existing);
  // What a buyer could take now: the free bottles beyond what the line has earmarked.
  const purchasable = (await ports.available(spiritId)) - (await openDemand(deps.client, spiritId));
  if (purchasable >= input.quantity) {
    throw new DomainError(
      "in-stock",
      `${spirit.name} can be bought now (${purchasable} available): order it instead of joining the waitlist.`,
      { extra: { spiritId, available: purchasable } },
    );
  }
  await ports.checkDestination(customerId, input.shipping, now);
  const at = now.toISOString();
  const id = newId("wle");
  try {
    await deps.db.batch([
      // The next place in line is read and taken in the one statement (the unique index backs it).
      deps.db.run(sql`INSERT INTO waitlist_entries
          (id, spirit_id, customer_id, seq, quantity, shipping, status, created_at, updated_at)
        VALUES (${id}, ${spiritId}, ${customerId},
          (SELECT coalesce(max(seq), 0) + 1 FROM waitlist_entries WHERE spirit_id = ${spiritId}),
          ${input.quantity}, ${JSON.stringify(input.shipping)}, 'waiting', ${at}, ${at})`),
      ports.audit.entry({
        actorId: customerId,
        action: "waitlist.joined",
        subject: id,
        detail: { spiritId, quantity: input.quantity },
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "waitlist_entries.spirit_id, waitlist_entries.customer_id")) {
      throw alreadyWaitlisted(await liveEntry(ctx, spiritId, customerId));
    }
    // Another customer took the same place in line at once (a `seq` clash): join again behind them.
    if (isUniqueViolation(err, "waitlist_entries.spirit_id, waitlist_entries.seq")) {
      return joinWaitlist(ctx, spiritId, customerId, input);
    }
    throw err;
  }
  const row = (await deps.db.query.waitlistEntries.findFirst({ where: eq(waitlistEntries.id, id) }))!;
  return view(row, await positionOf(ctx, row));
}

/** The caller's latest entry on the spirit's waitlist. */
export async function myEntry(
  ctx: WaitlistContext,
  spiritId: string,
  customerId: string,
): Promise<WaitlistEntry> {
  await spiritOf(ctx, spiritId);
  const row = await ctx.deps.db.query.waitlistEntries.findFirst({
    where: and(eq(waitlistEntries.spiritId, spiritId), eq(waitlistEntries.customerId, customerId)),
    orderBy: (t, { desc }) => [desc(t.seq)],
  });
  if (!row) throw new DomainError("not-found", "You are not on this spirit's waitlist.");
  return view(row, await positionOf(ctx, row));
}

/**
 * Leaves the line. Only a waiting entry can: an offer being placed finishes first, and an offered entry's
 * bottles are in its order (cancelling that order passes them on).
 */
export async function withdrawEntry(
  ctx: WaitlistContext,
  spiritId: string,
  customerId: string,
): Promise<WaitlistEntry> {
  const { db, clock } = ctx.deps;
  const mine = await myEntry(ctx, spiritId, customerId);
  if (mine.state !== "waiting") {
    throw new DomainError(
      "conflict",
      mine.state === "offered"
        ? `Your offer is in order ${mine.orderId}: cancel the order to give the bottles up.`
        : `Your waitlist entry is ${mine.state}; there is nothing to withdraw.`,
      { extra: { entryId: mine.id, entryState: mine.state } },
    );
  }
  const at = clock.now().toISOString();
  const [updated] = await db.batch([
    db
      .update(waitlistEntries)
      .set({ status: "withdrawn", updatedAt: at })
      .where(and(eq(waitlistEntries.id, mine.id), eq(waitlistEntries.status, "waiting")))
      .returning(),
    ctx.ports.audit.entry({
      actorId: customerId,
      action: "waitlist.withdrawn",
      subject: mine.id,
      detail: { spiritId },
    }),
  ]);
  if (!updated[0]) {
    throw new DomainError("conflict", "Your turn has just come: the offer is being placed.", {
      extra: { entryId: mine.id, entryState: "waiting" },
    });
  }
  return view(updated[0], null);
}

/** Staff: every entry of the spirit in line order, with its customer and its place while in line. */
export async function listEntries(
  ctx: WaitlistContext,
  spiritId: string,
  q: StaffWaitlistQuery,
): Promise<{ items: StaffWaitlistEntry[]; nextCursor: string | null }> {
  await spiritOf(ctx, spiritId);
  const after = q.cursor === undefined ? 0 : Number(q.cursor);
  if (!Number.isSafeInteger(after) || after < 0) {
    throw invalidFields([{ path: "cursor", message: "is not a valid cursor for this list" }], "The query");
  }
  const rows = await ctx.deps.db
    .select()
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.spiritId, spiritId), gt(waitlistEntries.seq, after)))
    .orderBy(asc(waitlistEntries.seq))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  // One count for the page's first place in line; the rest follow from it in line order.
  const first = page.find((r) => isInLine(r));
  let next = first ? ((await positionOf(ctx, first)) ?? 1) : 1;
  const items = page.map(
    (row): StaffWaitlistEntry => ({
      ...view(row, isInLine(row) ? next++ : null),
      customerId: row.customerId,
    }),
  );
  return { items, nextCursor: rows.length > q.limit ? String(page.at(-1)!.seq) : null };
}
