/**
 * The polls module's operations, bound to one context. Each lives in the file of its concern as a plain
 * function taking the context: poll-admin.ts (staff create, change, read), answering.ts (what a customer sees
 * and answers), results.ts (counts, response rate, moderation of free text); audience.ts says who a poll is for.
 */
import type { Deps } from "../../deps.ts";
import { answerPoll, pollsForCustomer } from "./answering.ts";
import { createPoll, getPoll, listPolls, patchPoll } from "./poll-admin.ts";
import type { PollsContext, PollsPorts } from "./polls.context.ts";
import type { AnswerInput, PollInput, PollListQuery, PollPatch } from "./polls.schemas.ts";
import { moderateAnswer, pollResults } from "./results.ts";

export function createPollsService(deps: Deps, ports: PollsPorts) {
  const ctx: PollsContext = { deps, ports };
  return {
    listPolls: (q: PollListQuery) => listPolls(ctx, q),
    createPoll: (input: PollInput, actorId?: string) => createPoll(ctx, input, actorId),
    getPoll: (id: string) => getPoll(ctx, id),
    patchPoll: (id: string, input: PollPatch, actorId?: string) => patchPoll(ctx, id, input, actorId),
    pollsForCustomer: (customerId: string) => pollsForCustomer(ctx, customerId),
    answerPoll: (id: string, customerId: string, input: AnswerInput) =>
      answerPoll(ctx, id, customerId, input),
    pollResults: (id: string) => pollResults(ctx, id),
    moderateAnswer: (id: string, answerId: string, status: "approved" | "rejected", actorId?: string) =>
      moderateAnswer(ctx, id, answerId, status, actorId),
  };
}

export type PollsService = ReturnType<typeof createPollsService>;
