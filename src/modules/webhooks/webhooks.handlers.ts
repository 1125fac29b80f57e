import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import type * as r from "./webhooks.routes.ts";

export const listEndpoints: RouteHandler<r.ListEndpointsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").webhooks.list(c.req.valid("query")), 200);

export const createEndpoint: RouteHandler<r.CreateEndpointRoute, AppEnv> = async (c) => {
  const endpoint = await c.get("services").webhooks.create(c.req.valid("json"));
  return c.json(endpoint, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${endpoint.id}` });
};

export const getEndpoint: RouteHandler<r.GetEndpointRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").webhooks.get(c.req.valid("param").id), 200);

export const updateEndpoint: RouteHandler<r.UpdateEndpointRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").webhooks.update(c.req.valid("param").id, c.req.valid("json")), 200);

export const deleteEndpoint: RouteHandler<r.DeleteEndpointRoute, AppEnv> = async (c) => {
  await c.get("services").webhooks.remove(c.req.valid("param").id);
  return c.body(null, 204);
};

export const rotateSecret: RouteHandler<r.RotateSecretRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").webhooks.rotateSecret(c.req.valid("param").id), 200);

export const listDeliveries: RouteHandler<r.ListDeliveriesRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").webhooks.listAttempts(c.req.valid("param").id, c.req.valid("query")), 200);

export const redeliver: RouteHandler<r.RedeliverRoute, AppEnv> = async (c) => {
  const { id, deliveryId } = c.req.valid("param");
  return c.json(await c.get("services").webhooks.redeliver(id, deliveryId), 200);
};

export const sendTestEvent: RouteHandler<r.SendTestEventRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").webhooks.sendTest(c.req.valid("param").id), 200);
