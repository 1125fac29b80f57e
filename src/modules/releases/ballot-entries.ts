/**
 * Ballot entries: one per customer and one per (normalised) address, during the release's window, listed
 * to their owner and withdrawable until the close; staff see entries that share a building or an address
 * with other customers, and void them.
 */
import { and, asc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import { isUniqueViolation } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { type EntryShipping, type ReleaseEntryRow, releaseEntries } from "../../db/schema/ballots.ts";
import type { ReleaseRow } from "../../db/schema/releases.ts";
import { sha256Hex } from "../../digest.ts";
import { DomainError, invalidFields } from "../../domain-error.ts";
import type { BallotContext } from "./ballot.context.ts";
import type { Entry, EntryInput, StaffEntry, StaffEntryQuery } from "./ballot.schemas.ts";
import { entryHash } from "./ballot-draw.ts";
import { requireEntrant } from "./entrant-checks.ts";

/** Words that mean the same in an address line, so "12 Rose Street, Flat 3" and "12 rose st. apt 3" match. */
const SAME_WORD: Record<string, string> = {
  street: "st",
  road: "rd",
  avenue: "ave",
  av: "ave",
  lane: "ln",
  drive: "dr",
  court: "ct",
  place: "pl",
  square: "sq",
  terrace: "ter",
  crescent: "cres",
  gardens: "gdns",
  apartment: "apt",
  flat: "apt",
  unit: "apt",
  suite: "apt",
  no: "",
  number: "",
  north: "n",
  south: "s",
  east: "e",
  west: "w",
};

function words(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .map((w) => SAME_WORD[w] ?? w)
    .filter(Boolean);
}

const postalOf = (s: EntryShipping) => s.postalCode.toUpperCase().replace(/[^A-Z0-9]/g, "");

/** The address as one normalised key (its hash is stored): the name on the parcel is not part of it. */
export const addressKey = (s: EntryShipping) =>
  sha256Hex(JSON.stringify([s.country, postalOf(s), words(s.lines.join(" ")), words(s.city)]));

/** Country, postal code and the first house number: the flats of one building share it. */
export const buildingKey = (s: EntryShipping) =>
  sha256Hex(JSON.stringify([s.country, postalOf(s), s.lines.join(" ").match(/\d+/)?.[0] ?? ""]));

export function entryView(row: ReleaseEntryRow): Entry {
  return {
    id: row.id,
    releaseId: row.releaseId,
    quantity: row.quantity,
    status: row.status,
    drawPosition: row.drawPosition,
    orderId: row.orderId,
    hash: row.hash,
    shipping: row.shipping as Entry["shipping"],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function requireBallot(release: ReleaseRow) {
  if (release.mode !== "ballot") {
    throw new DomainError("not-drawable", `Release ${release.id} is sold ${release.mode}, not by ballot.`, {
      extra: { closesAt: release.closesAt },
    });
  }
}

function requireWindow(release: ReleaseRow, now: Date, what: string) {
  const t = now.toISOString();
  if (t < release.opensAt || t >= release.closesAt) {
    throw new DomainError(
      "ballot-closed",
      `The ballot for ${release.name} takes ${what} from ${release.opensAt} until ${release.closesAt}.`,
      { extra: { opensAt: release.opensAt, closesAt: release.closesAt } },
    );
  }
}

async function liveEntry(
  ctx: BallotContext,
  releaseId: string,
  column: "customerId" | "addressKey",
  v: string,
) {
  return ctx.deps.db.query.releaseEntries.findFirst({
    where: and(
      eq(releaseEntries.releaseId, releaseId),
      eq(releaseEntries[column], v),
      ne(releaseEntries.status, "withdrawn"),
    ),
  });
}

const alreadyEntered = (entryId: string) =>
  new DomainError("already-entered", "You have already entered this ballot.", { extra: { entryId } });
const addressEntered = () =>
  new DomainError("address-entered", "Another entry in this ballot ships to the same address.", {
    errors: [{ path: "shipping", message: "is already used by another entry in this ballot" }],
  });

export async function enterBallot(
  ctx: BallotContext,
  releaseId: string,
  customerId: string,
  input: EntryInput,
  client: { address: string | undefined },
): Promise<Entry> {
  const { deps, ports } = ctx;
  const release = await ports.release(releaseId);
  requireBallot(release);
  const now = deps.clock.now();
  requireWindow(release, now, "entries");
  if (input.quantity > release.perCustomerLimit) {
    throw invalidFields([
      { path: "quantity", message: `must be at most ${release.perCustomerLimit} (the release's limit)` },
    ]);
  }
  await requireEntrant(deps, ports, {
    action: "ballot-entry",
    releaseId,
    customerId,
    humanToken: input.humanToken,
    clientAddress: client.address,
  });
  await ports.checkDestination(customerId, input.shipping, now);

  const shipping: EntryShipping = input.shipping;
  const key = await addressKey(shipping);
  const mine = await liveEntry(ctx, releaseId, "customerId", customerId);
  if (mine) throw alreadyEntered(mine.id);
  if (await liveEntry(ctx, releaseId, "addressKey", key)) throw addressEntered();

  const at = now.toISOString();
  const id = newId("ent", now.getTime());
  const row: ReleaseEntryRow = {
    id,
    hash: await entryHash(id),
    releaseId,
    customerId,
    quantity: input.quantity,
    addressKey: key,
    buildingKey: await buildingKey(shipping),
    shipping,
    status: "entered",
    drawPosition: null,
    orderId: null,
    note: null,
    createdAt: at,
    updatedAt: at,
  };
  try {
    // Refused by SQL once the draw has happened, whatever this process's clock said a moment ago.
    const rs = await deps.client.execute({
      sql: `INSERT INTO release_entries (id, hash, release_id, customer_id, quantity, address_key, building_key, shipping, status, created_at, updated_at)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, 'entered', ?, ?
            WHERE NOT EXISTS (SELECT 1 FROM release_ballots WHERE release_id = ? AND drawn_at IS NOT NULL)`,
      args: [
        row.id,
        row.hash,
        releaseId,
        customerId,
        row.quantity,
        row.addressKey,
        row.buildingKey,
        JSON.stringify(shipping),
        at,
        at,
        releaseId,
      ],
    });
    if (rs.rowsAffected === 0) {
      throw new DomainError("ballot-closed", `The ballot for ${release.name} has been drawn.`, {
        extra: { opensAt: release.opensAt, closesAt: release.closesAt },
      });
    }
  } catch (err) {
    // Two entries racing: the unique indexes decide, and the loser is told which rule it met.
    if (isUniqueViolation(err, "release_entries.release_id, release_entries.customer_id")) {
      throw alreadyEntered((await liveEntry(ctx, releaseId, "customerId", customerId))?.id ?? "");
    }
    if (isUniqueViolation(err, "release_entries.release_id, release_entries.address_key"))
      throw addressEntered();
    throw err;
  }
  return entryView(row);
}

async function ownEntry(ctx: BallotContext, releaseId: string, entryId: string, customerId: string) {
  const row = await ctx.deps.db.query.releaseEntries.findFirst({
    where: and(eq(releaseEntries.id, entryId), eq(releaseEntries.releaseId, releaseId)),
  });
  // Another customer's entry does not exist, as far as the caller can tell.
  if (!row || row.customerId !== customerId) {
    throw new DomainError("not-found", `Entry ${entryId} was not found.`);
  }
  return row;
}

/** The owner takes their entry back until the ballot closes; it frees their place and their address. */
export async function withdrawEntry(
  ctx: BallotContext,
  releaseId: string,
  entryId: string,
  customerId: string,
) {
  const release = await ctx.ports.release(releaseId);
  requireBallot(release);
  const row = await ownEntry(ctx, releaseId, entryId, customerId);
  const now = ctx.deps.clock.now();
  requireWindow(release, now, "withdrawals");
  if (row.status !== "entered") {
    throw new DomainError(
      "conflict",
      `The entry is ${row.status}; only an entry in the ballot can be withdrawn.`,
    );
  }
  const [updated] = await ctx.deps.db
    .update(releaseEntries)
    .set({ status: "withdrawn", updatedAt: now.toISOString() })
    .where(and(eq(releaseEntries.id, entryId), eq(releaseEntries.status, "entered")))
    .returning();
  if (!updated) throw new DomainError("conflict", "The entry changed meanwhile; read it again.");
  return entryView(updated);
}

/** A customer's entries in every ballot, newest first. */
export async function entriesOf(
  ctx: BallotContext,
  customerId: string,
  q: { limit: number; cursor?: string | undefined },
) {
  const rows = await ctx.deps.db
    .select()
    .from(releaseEntries)
    .where(
      and(
        eq(releaseEntries.customerId, customerId),
        q.cursor ? sql`${releaseEntries.id} < ${q.cursor}` : undefined,
      ),
    )
    .orderBy(sql`${releaseEntries.id} DESC`)
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit).map(entryView);
  return { items, nextCursor: rows.length > q.limit ? items.at(-1)!.id : null };
}

/** Staff: a ballot's entries in id order, each with how many others share its building, address or card. */
export async function listEntries(ctx: BallotContext, releaseId: string, q: StaffEntryQuery) {
  const { db } = ctx.deps;
  const release = await ctx.ports.release(releaseId);
  requireBallot(release);
  const e = releaseEntries;
  // Plain SQL names: drizzle leaves a selected column unqualified, which would name the inner table.
  const sameBuilding = sql<number>`(SELECT count(*) FROM release_entries o
    WHERE o.release_id = release_entries.release_id AND o.building_key = release_entries.building_key
      AND o.id <> release_entries.id AND o.status NOT IN ('withdrawn', 'void'))`;
  const usedByOthers = sql<number>`(SELECT count(DISTINCT o.customer_id) FROM release_entries o
    WHERE o.address_key = release_entries.address_key AND o.customer_id <> release_entries.customer_id)`;
  // Other customers who paid with a card this entrant paid with (payments.card_fingerprint, indexed).
  const cardSharedWith = sql<number>`(SELECT count(DISTINCT theirs.customer_id)
    FROM orders mine_o JOIN payments mine ON mine.order_id = mine_o.id
    JOIN payments p2 ON p2.card_fingerprint = mine.card_fingerprint
    JOIN orders theirs ON theirs.id = p2.order_id
    WHERE mine_o.customer_id = release_entries.customer_id AND mine.card_fingerprint IS NOT NULL
      AND theirs.customer_id <> release_entries.customer_id)`;
  const where = and(
    eq(e.releaseId, releaseId),
    q.cursor ? gt(e.id, q.cursor) : undefined,
    q.status ? eq(e.status, q.status) : undefined,
    q.flagged ? sql`(${sameBuilding} > 0 OR ${usedByOthers} > 0 OR ${cardSharedWith} > 0)` : undefined,
  );
  const rows = await db
    .select({ row: e, sameBuilding, usedByOthers, cardSharedWith })
    .from(e)
    .where(where)
    .orderBy(asc(e.id))
    .limit(q.limit + 1);
  const items: StaffEntry[] = rows
    .slice(0, q.limit)
    .map(({ row, sameBuilding, usedByOthers, cardSharedWith }) => ({
      ...entryView(row),
      customerId: row.customerId,
      note: row.note,
      sameBuildingEntries: Number(sameBuilding),
      addressUsedByOthers: Number(usedByOthers),
      cardUsedByOthers: Number(cardSharedWith),
    }));
  return { items, nextCursor: rows.length > q.limit ? items.at(-1)!.id : null };
}

/** Staff remove an entry (abuse) before it is offered bottles; it keeps blocking the customer and address. */
export async function voidEntry(
  ctx: BallotContext,
  releaseId: string,
  entryId: string,
  reason: string,
  actorId: string,
) {
  const { db, clock } = ctx.deps;
  const at = clock.now().toISOString();
  const [updated] = await db.batch([
    db
      .update(releaseEntries)
      .set({ status: "void", note: reason, updatedAt: at })
      .where(
        and(
          eq(releaseEntries.id, entryId),
          eq(releaseEntries.releaseId, releaseId),
          inArray(releaseEntries.status, ["entered", "waiting"]),
        ),
      )
      .returning(),
    ctx.ports.audit.entry({
      actorId,
      action: "ballot.entry_voided",
      subject: entryId,
      detail: { releaseId, reason },
    }),
  ]);
  if (!updated[0]) {
    const row = await db.query.releaseEntries.findFirst({
      where: and(eq(releaseEntries.id, entryId), eq(releaseEntries.releaseId, releaseId)),
    });
    if (!row) throw new DomainError("not-found", `Entry ${entryId} was not found.`);
    throw new DomainError(
      "conflict",
      `The entry is ${row.status}; only an entry not yet offered bottles can be voided.`,
    );
  }
  return entryView(updated[0]);
}

/** Live entries, in id order: what the draw shuffles. */
export async function drawableEntries(ctx: BallotContext, releaseId: string) {
  return ctx.deps.db
    .select({ id: releaseEntries.id, hash: releaseEntries.hash, quantity: releaseEntries.quantity })
    .from(releaseEntries)
    .where(and(eq(releaseEntries.releaseId, releaseId), eq(releaseEntries.status, "entered")))
    .orderBy(asc(releaseEntries.id));
}

/** The customers whose entries lost once the ballot settled (told so by notifications). */
export async function losersOf(ctx: BallotContext, releaseId: string): Promise<string[]> {
  const rows = await ctx.deps.db
    .selectDistinct({ customerId: releaseEntries.customerId })
    .from(releaseEntries)
    .where(and(eq(releaseEntries.releaseId, releaseId), eq(releaseEntries.status, "lost")));
  return rows.map((r) => r.customerId);
}
