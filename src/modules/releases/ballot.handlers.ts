import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf, resolveCustomerId } from "../../http/auth.ts";
import { clientAddressOf } from "../../http/client-address.ts";
import type {
  DrawBallotRoute,
  EnterBallotRoute,
  GetBallotDrawRoute,
  ListBallotEntriesRoute,
  ListMyBallotEntriesRoute,
  VoidBallotEntryRoute,
  WithdrawBallotEntryRoute,
} from "./ballot.routes.ts";

export const enterBallot: RouteHandler<EnterBallotRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const address = clientAddressOf(c, c.get("deps").clientAddress);
  const entry = await c
    .get("services")
    .ballots.enter(id, principalOf(c).id, c.req.valid("json"), { address });
  return c.json(entry, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${entry.id}` });
};

export const withdrawBallotEntry: RouteHandler<WithdrawBallotEntryRoute, AppEnv> = async (c) => {
  const { id, entryId } = c.req.valid("param");
  return c.json(await c.get("services").ballots.withdraw(id, entryId, principalOf(c).id), 200);
};

export const listBallotEntries: RouteHandler<ListBallotEntriesRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").ballots.listEntries(c.req.valid("param").id, c.req.valid("query")), 200);

export const voidBallotEntry: RouteHandler<VoidBallotEntryRoute, AppEnv> = async (c) => {
  const { id, entryId } = c.req.valid("param");
  const { reason } = c.req.valid("json");
  return c.json(await c.get("services").ballots.voidEntry(id, entryId, reason, principalOf(c).id), 200);
};

export const drawBallot: RouteHandler<DrawBallotRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").ballots.draw(c.req.valid("param").id, principalOf(c).id), 200);

export const getBallotDraw: RouteHandler<GetBallotDrawRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").ballots.publishedDraw(c.req.valid("param").id), 200);

export const listMyBallotEntries: RouteHandler<ListMyBallotEntriesRoute, AppEnv> = async (c) => {
  const id = resolveCustomerId(principalOf(c), c.req.valid("param").id);
  return c.json(await c.get("services").ballots.entriesOf(id, c.req.valid("query")), 200);
};
