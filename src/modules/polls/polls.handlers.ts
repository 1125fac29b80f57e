import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf, resolveCustomerId } from "../../http/auth.ts";
import type {
  AnswerPollRoute,
  CreatePollRoute,
  GetPollResultsRoute,
  GetPollRoute,
  ListCustomerPollsRoute,
  ListPollsRoute,
  ModeratePollAnswerRoute,
  PatchPollRoute,
} from "./polls.routes.ts";

export const listPolls: RouteHandler<ListPollsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").polls.listPolls(c.req.valid("query")), 200);

export const createPoll: RouteHandler<CreatePollRoute, AppEnv> = async (c) => {
  const poll = await c.get("services").polls.createPoll(c.req.valid("json"), principalOf(c).id);
  return c.json(poll, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${poll.id}` });
};

export const getPoll: RouteHandler<GetPollRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").polls.getPoll(c.req.valid("param").id), 200);

export const patchPoll: RouteHandler<PatchPollRoute, AppEnv> = async (c) =>
  c.json(
    await c.get("services").polls.patchPoll(c.req.valid("param").id, c.req.valid("json"), principalOf(c).id),
    200,
  );

export const getPollResults: RouteHandler<GetPollResultsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").polls.pollResults(c.req.valid("param").id), 200);

export const moderatePollAnswer: RouteHandler<ModeratePollAnswerRoute, AppEnv> = async (c) => {
  const { id, answerId } = c.req.valid("param");
  const { status } = c.req.valid("json");
  return c.json(await c.get("services").polls.moderateAnswer(id, answerId, status, principalOf(c).id), 200);
};

export const answerPoll: RouteHandler<AnswerPollRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { answer, created } = await c
    .get("services")
    .polls.answerPoll(id, principalOf(c).id, c.req.valid("json"));
  return created ? c.json(answer, 201) : c.json(answer, 200);
};

export const listCustomerPolls: RouteHandler<ListCustomerPollsRoute, AppEnv> = async (c) => {
  const id = resolveCustomerId(principalOf(c), c.req.valid("param").id);
  return c.json(await c.get("services").polls.pollsForCustomer(id), 200);
};
