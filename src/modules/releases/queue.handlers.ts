import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf } from "../../http/auth.ts";
import { clientAddressOf } from "../../http/client-address.ts";
import type {
  GetMyQueuePlaceRoute,
  JoinQueueRoute,
  LeaveQueueRoute,
  ListQueuePlacesRoute,
  VoidQueuePlaceRoute,
} from "./queue.routes.ts";

export const joinQueue: RouteHandler<JoinQueueRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const address = clientAddressOf(c, c.get("deps").clientAddress);
  const place = await c.get("services").queues.join(id, principalOf(c).id, c.req.valid("json"), { address });
  return c.json(place, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/me` });
};

export const getMyQueuePlace: RouteHandler<GetMyQueuePlaceRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").queues.mine(c.req.valid("param").id, principalOf(c).id), 200);

export const leaveQueue: RouteHandler<LeaveQueueRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").queues.leave(c.req.valid("param").id, principalOf(c).id), 200);

export const listQueuePlaces: RouteHandler<ListQueuePlacesRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").queues.list(c.req.valid("param").id, c.req.valid("query")), 200);

export const voidQueuePlace: RouteHandler<VoidQueuePlaceRoute, AppEnv> = async (c) => {
  const { id, placeId } = c.req.valid("param");
  const { reason } = c.req.valid("json");
  return c.json(await c.get("services").queues.voidPlace(id, placeId, reason, principalOf(c).id), 200);
};
