import { and, eq } from "drizzle-orm";
import { pollAnswers } from "../../db/schema/polls.ts";
import { DomainError } from "../../domain-error.ts";
import { toAnswer } from "./answering.ts";
import { inAudience, needsPurchases } from "./audience.ts";
import { findPollRow, pollState } from "./poll-admin.ts";
import type { PollsContext } from "./polls.context.ts";
import { type PollResults, SCALE_MAX, SCALE_MIN } from "./polls.schemas.ts";

const share = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10_000) / 10_000 : 0);

/** Customers the audience holds now: a walk over every customer, reading purchases only when a rule needs them. */
async function audienceSize(ctx: PollsContext, audience: Parameters<typeof inAudience>[0]): Promise<number> {
  const withPurchases = needsPurchases(audience);
  let size = 0;
  let cursor: string | null = null;
  do {
    const walked: { ids: string[]; nextCursor: string | null } = await ctx.ports.customerIds(cursor);
    for (const id of walked.ids) {
      const facts = await ctx.ports.facts(id, withPurchases);
      if (facts && inAudience(audience, facts)) size += 1;
    }
    cursor = walked.nextCursor;
  } while (cursor);
  return size;
}

/** Counts per option, the scale's spread and mean, the free texts with their moderation, and the response rate. */
export async function pollResults(ctx: PollsContext, pollId: string): Promise<PollResults> {
  const poll = await findPollRow(ctx, pollId);
  const answers = await ctx.deps.db.select().from(pollAnswers).where(eq(pollAnswers.pollId, pollId));
  const audience = await audienceSize(ctx, poll.audience);
  const counts = new Map<string, number>();
  for (const a of answers) for (const c of a.choices) counts.set(c, (counts.get(c) ?? 0) + 1);
  const scales = answers.map((a) => a.scale).filter((v): v is number => v !== null);
  const spread = [];
  for (let value = SCALE_MIN; value <= SCALE_MAX; value++)
    spread.push({ value, count: scales.filter((v) => v === value).length });
  return {
    pollId,
    state: pollState(poll, ctx.deps.clock.now()),
    answers: answers.length,
    audience,
    responseRate: share(answers.length, audience),
    options: poll.options.map((o) => {
      const count = counts.get(o.id) ?? 0;
      return { id: o.id, label: o.label, count, share: share(count, answers.length) };
    }),
    scale:
      poll.kind === "scale"
        ? {
            counts: spread,
            mean: scales.length
              ? Math.round((scales.reduce((s, v) => s + v, 0) / scales.length) * 100) / 100
              : null,
          }
        : null,
    texts: answers
      .filter((a) => a.text !== null)
      .map((a) => ({ answerId: a.id, text: a.text!, status: a.textStatus!, updatedAt: a.updatedAt })),
  };
}

/** Staff approve or reject a free-text answer (the automatic pass only approves or holds). */
export async function moderateAnswer(
  ctx: PollsContext,
  pollId: string,
  answerId: string,
  status: "approved" | "rejected",
  actorId?: string,
) {
  const { db } = ctx.deps;
  const where = and(eq(pollAnswers.id, answerId), eq(pollAnswers.pollId, pollId));
  const [current] = await db.select().from(pollAnswers).where(where);
  if (!current) throw new DomainError("not-found", `Poll ${pollId} has no answer ${answerId}.`);
  if (current.text === null) throw new DomainError("conflict", "Only a free-text answer is moderated.");
  const [updated] = await db.batch([
    db.update(pollAnswers).set({ textStatus: status }).where(where).returning(),
    ctx.ports.audit.entry({
      actorId,
      action: "poll.answer_moderated",
      subject: answerId,
      detail: { pollId, status },
    }),
  ]);
  const row = updated[0] ?? current;
  return toAnswer(row);
}
