import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf } from "../../http/auth.ts";
import type {
  CancelOrderRoute,
  CreateOrderRoute,
  DeliverOrderRoute,
  GetOrderRoute,
  ListOrdersRoute,
  ReleasePreordersRoute,
  ReturnBottlesRoute,
  ShipOrderRoute,
} from "./orders.routes.ts";

export const createOrder: RouteHandler<CreateOrderRoute, AppEnv> = async (c) => {
  const admissionToken = c.req.valid("header")["admission-token"];
  const order = await c.get("services").orders.placeOrder(principalOf(c), c.req.valid("json"), {
    admissionToken,
  });
  return c.json(order, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${order.id}` });
};

export const listOrders: RouteHandler<ListOrdersRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").orders.listOrders(principalOf(c), c.req.valid("query")), 200);

export const getOrder: RouteHandler<GetOrderRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").orders.getOrder(principalOf(c), c.req.valid("param").id), 200);

export const cancelOrder: RouteHandler<CancelOrderRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").orders.cancelOrder(principalOf(c), c.req.valid("param").id), 200);

export const shipOrder: RouteHandler<ShipOrderRoute, AppEnv> = async (c) =>
  c.json(
    await c.get("services").orders.shipOrder(principalOf(c), c.req.valid("param").id, c.req.valid("json")),
    200,
  );

export const deliverOrder: RouteHandler<DeliverOrderRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").orders.deliverOrder(principalOf(c), c.req.valid("param").id), 200);

export const returnBottles: RouteHandler<ReturnBottlesRoute, AppEnv> = async (c) =>
  c.json(
    await c
      .get("services")
      .orders.returnBottles(principalOf(c), c.req.valid("param").id, c.req.valid("json")),
    200,
  );

export const releasePreorders: RouteHandler<ReleasePreordersRoute, AppEnv> = async (c) =>
  c.json(
    await c.get("services").orders.releasePreorders(c.req.valid("param").spiritId, principalOf(c).id),
    200,
  );
