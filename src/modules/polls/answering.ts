import { and, eq, gt, inArray, lte } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { type PollAnswerRow, type PollRow, pollAnswers, polls } from "../../db/schema/polls.ts";
import { DomainError, type FieldIssue, invalidFields } from "../../domain-error.ts";
import { inAudience, needsPurchases } from "./audience.ts";
import { findPollRow, pollState, toPoll } from "./poll-admin.ts";
import type { PollsContext } from "./polls.context.ts";
import type { Answer, AnswerInput } from "./polls.schemas.ts";

/** A scale answer this high on a spirit's poll says "I want this one", as choosing a spirit's option does. */
const INTEREST_FROM_SCALE = 4;

export const toAnswer = (r: PollAnswerRow): Answer => ({
  id: r.id,
  pollId: r.pollId,
  choices: r.choices,
  scale: r.scale,
  text: r.text,
  textStatus: r.textStatus,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

async function requireFacts(ctx: PollsContext, customerId: string, withPurchases: boolean) {
  const facts = await ctx.ports.facts(customerId, withPurchases);
  if (!facts) throw new DomainError("not-found", `Customer ${customerId} was not found.`);
  return facts;
}

/** The open polls meant for the customer (by each poll's audience), with the answer they gave. */
export async function pollsForCustomer(ctx: PollsContext, customerId: string) {
  const { db, clock } = ctx.deps;
  const now = clock.now();
  const t = now.toISOString();
  const open = await db
    .select()
    .from(polls)
    .where(and(lte(polls.opensAt, t), gt(polls.closesAt, t)))
    .orderBy(polls.closesAt, polls.id);
  const facts = await requireFacts(
    ctx,
    customerId,
    open.some((p) => needsPurchases(p.audience)),
  );
  const mine = open.filter((p) => inAudience(p.audience, facts));
  const answers = mine.length
    ? await db
        .select()
        .from(pollAnswers)
        .where(
          and(
            eq(pollAnswers.customerId, customerId),
            inArray(
              pollAnswers.pollId,
              mine.map((p) => p.id),
            ),
          ),
        )
    : [];
  const byPoll = new Map(answers.map((a) => [a.pollId, a]));
  return {
    items: mine.map((p) => {
      const answer = byPoll.get(p.id);
      return { poll: toPoll(p, now), answer: answer ? toAnswer(answer) : null };
    }),
  };
}

/** The answer the poll's kind asks for, and nothing else; every wrong field is named in one answer. */
function checkAnswer(poll: PollRow, input: AnswerInput): FieldIssue[] {
  const errors: FieldIssue[] = [];
  const only = (field: keyof AnswerInput, what: string) => {
    if (input[field] !== undefined) errors.push({ path: field, message: `is not asked by a ${what} poll` });
  };
  const choice = poll.kind === "single_choice" || poll.kind === "multiple_choice";
  if (choice) {
    const ids = new Set(poll.options.map((o) => o.id));
    const chosen = input.choices ?? [];
    if (!chosen.length) errors.push({ path: "choices", message: "must name at least one option" });
    if (poll.kind === "single_choice" && chosen.length > 1)
      errors.push({ path: "choices", message: "must name exactly one option" });
    if (new Set(chosen).size !== chosen.length)
      errors.push({ path: "choices", message: "must not repeat an option" });
    chosen.forEach((c, i) => {
      if (!ids.has(c))
        errors.push({
          path: `choices.${i}`,
          message: `is not an option of this poll (${[...ids].join(", ")})`,
        });
    });
  } else only("choices", poll.kind);
  if (poll.kind === "scale") {
    if (input.scale === undefined) errors.push({ path: "scale", message: "is required (1 to 5)" });
  } else only("scale", poll.kind);
  if (poll.kind === "text") {
    if (input.text === undefined) errors.push({ path: "text", message: "is required" });
  } else only("text", poll.kind);
  return errors;
}

/** The spirits an answer declares interest in: chosen options that name one, or a high score on a spirit's poll. */
function interestOf(poll: PollRow, input: AnswerInput): string[] {
  const chosen = new Set(input.choices ?? []);
  const spirits = poll.options.filter((o) => chosen.has(o.id) && o.spiritId).map((o) => o.spiritId!);
  if (poll.kind === "scale" && poll.subjectType === "spirit" && (input.scale ?? 0) >= INTEREST_FROM_SCALE) {
    spirits.push(poll.subjectId!);
  }
  return [...new Set(spirits)];
}

/**
 * Answers the poll, or replaces the customer's answer while it is open. The answer and the interest it
 * declares are written in one batch; a customer outside the audience is refused, as is a closed poll.
 */
export async function answerPoll(ctx: PollsContext, pollId: string, customerId: string, input: AnswerInput) {
  const { db, clock } = ctx.deps;
  const poll = await findPollRow(ctx, pollId);
  const now = clock.now();
  const state = pollState(poll, now);
  if (state !== "open") {
    throw new DomainError(
      "poll-closed",
      `The poll ${state === "scheduled" ? `opens at ${poll.opensAt}` : `closed at ${poll.closesAt}`}.`,
      {
        extra: { opensAt: poll.opensAt, closesAt: poll.closesAt },
      },
    );
  }
  const errors = checkAnswer(poll, input);
  if (errors.length) throw invalidFields(errors);
  const facts = await requireFacts(ctx, customerId, needsPurchases(poll.audience));
  if (!inAudience(poll.audience, facts)) {
    throw new DomainError("not-in-audience", "This poll is meant for other customers.");
  }
  const text = input.text ?? null;
  const values = {
    choices: input.choices ?? [],
    scale: input.scale ?? null,
    text,
    textStatus: text === null ? null : ctx.ports.moderate(text).status,
    updatedAt: now.toISOString(),
  };
  const interest = interestOf(poll, input).map((spiritId) => ({
    spiritId,
    key: `poll:${pollId}:${customerId}:${spiritId}`,
  }));
  const id = newId("pan", now.getTime());
  const [written] = await db.batch([
    db
      .insert(pollAnswers)
      .values({ id, pollId, customerId, createdAt: values.updatedAt, ...values })
      .onConflictDoUpdate({ target: [pollAnswers.pollId, pollAnswers.customerId], set: values })
      .returning(),
    ...ctx.ports.declaredInterest(customerId, interest),
  ]);
  const row = written[0]!;
  // An edit keeps the first answer's id, so a new id means this call created it.
  return { answer: toAnswer(row), created: row.id === id };
}
