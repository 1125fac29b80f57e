import { eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type PollRow, polls } from "../../db/schema/polls.ts";
import { DomainError, type FieldIssue, invalidFields } from "../../domain-error.ts";
import type { PollsContext } from "./polls.context.ts";
import type { Poll, PollInput, PollListQuery, PollPatch } from "./polls.schemas.ts";

const NEWEST_OPENING_FIRST: Sort<PollRow> = {
  name: "polls_opening",
  keys: [
    { column: polls.opensAt, direction: "desc", value: (r) => r.opensAt },
    { column: polls.id, direction: "desc", value: (r) => r.id },
  ],
};

export function pollState(row: Pick<PollRow, "opensAt" | "closesAt">, now: Date): Poll["state"] {
  const t = now.toISOString();
  return t < row.opensAt ? "scheduled" : t < row.closesAt ? "open" : "closed";
}

export const toPoll = (row: PollRow, now: Date): Poll => ({
  id: row.id,
  title: row.title,
  question: row.question,
  kind: row.kind,
  options: row.options.map((o) => ({ id: o.id, label: o.label, spiritId: o.spiritId ?? null })),
  subjectType: row.subjectType,
  subjectId: row.subjectId,
  theme: row.theme,
  audience: row.audience,
  state: pollState(row, now),
  opensAt: row.opensAt,
  closesAt: row.closesAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export async function findPollRow({ deps }: PollsContext, id: string): Promise<PollRow> {
  const row = await deps.db.query.polls.findFirst({ where: eq(polls.id, id) });
  if (!row) throw new DomainError("not-found", `Poll ${id} was not found.`);
  return row;
}

/** The spirits and the release a poll names must exist, so its answers point somewhere. */
async function checkReferences({ ports }: PollsContext, input: PollInput) {
  const errors: FieldIssue[] = [];
  if (input.subjectType === "spirit" && !(await ports.spiritExists(input.subjectId!))) {
    errors.push({ path: "subjectId", message: "names no spirit" });
  }
  if (input.subjectType === "release" && !(await ports.releaseExists(input.subjectId!))) {
    errors.push({ path: "subjectId", message: "names no release" });
  }
  for (const [i, o] of input.options.entries()) {
    if (o.spiritId && !(await ports.spiritExists(o.spiritId))) {
      errors.push({ path: `options.${i}.spiritId`, message: "names no spirit" });
    }
  }
  for (const [i, id] of (input.audience.boughtSpiritIds ?? []).entries()) {
    if (!(await ports.spiritExists(id)))
      errors.push({ path: `audience.boughtSpiritIds.${i}`, message: "names no spirit" });
  }
  if (errors.length) throw invalidFields(errors);
}

export async function createPoll(ctx: PollsContext, input: PollInput, actorId?: string): Promise<Poll> {
  await checkReferences(ctx, input);
  const now = ctx.deps.clock.now();
  const row: PollRow = {
    id: newId("pol", now.getTime()),
    ...input,
    subjectId: input.subjectType === "theme" ? null : input.subjectId,
    theme: input.theme,
    options: input.options.map((o, i) => ({ id: `opt_${i + 1}`, label: o.label, spiritId: o.spiritId })),
    createdBy: actorId ?? null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await ctx.deps.db.batch([
    ctx.deps.db.insert(polls).values(row),
    ctx.ports.audit.entry({ actorId, action: "poll.created", subject: row.id, detail: { title: row.title } }),
  ]);
  return toPoll(row, now);
}

/** Until a poll opens anything may change; after that only what cannot change an answer's meaning. */
export async function patchPoll(
  ctx: PollsContext,
  id: string,
  input: PollPatch,
  actorId?: string,
): Promise<Poll> {
  const current = await findPollRow(ctx, id);
  const now = ctx.deps.clock.now();
  const { title, closesAt, ...rest } = input;
  if (pollState(current, now) !== "scheduled" && Object.keys(rest).length > 0) {
    throw new DomainError("conflict", "Once a poll has opened only its title and closing time may change.");
  }
  const next = { ...current, ...input };
  if (Date.parse(next.opensAt) >= Date.parse(next.closesAt)) {
    throw invalidFields([{ path: "closesAt", message: "must be after opensAt" }]);
  }
  if (input.audience) await checkReferences(ctx, { ...current, options: [], audience: input.audience });
  const updatedAt = now.toISOString();
  await ctx.deps.db.batch([
    ctx.deps.db
      .update(polls)
      .set({ ...input, updatedAt })
      .where(eq(polls.id, id)),
    ctx.ports.audit.entry({ actorId, action: "poll.changed", subject: id, detail: { ...input } }),
  ]);
  return toPoll({ ...next, updatedAt }, now);
}

export async function getPoll(ctx: PollsContext, id: string): Promise<Poll> {
  return toPoll(await findPollRow(ctx, id), ctx.deps.clock.now());
}

export async function listPolls(ctx: PollsContext, q: PollListQuery) {
  const { db, clock } = ctx.deps;
  const cursor = q.cursor
    ? afterCursor(NEWEST_OPENING_FIRST, decodeCursor(NEWEST_OPENING_FIRST, q.cursor))
    : undefined;
  const now = clock.now();
  return page(
    NEWEST_OPENING_FIRST,
    q.limit,
    (limit) =>
      db
        .select()
        .from(polls)
        .where(cursor)
        .orderBy(...orderByOf(NEWEST_OPENING_FIRST))
        .limit(limit),
    (r) => toPoll(r, now),
  );
}
