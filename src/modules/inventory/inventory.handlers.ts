import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { isStaff, principalOf } from "../../http/auth.ts";
import type {
  ChangeInventoryRoute,
  GetAuditRoute,
  GetInventoryRoute,
  ListAuditsRoute,
  ListMovementsRoute,
  RunAuditRoute,
} from "./inventory.routes.ts";

export const getInventory: RouteHandler<GetInventoryRoute, AppEnv> = async (c) =>
  c.json(
    await c
      .get("services")
      .inventory.getInventory(c.req.valid("param").spiritId, isStaff(c.get("principal"))),
    200,
  );

export const changeInventory: RouteHandler<ChangeInventoryRoute, AppEnv> = async (c) =>
  c.json(
    await c
      .get("services")
      .inventory.applyChange(c.req.valid("param").spiritId, principalOf(c).id, c.req.valid("json")),
    200,
  );

export const listMovements: RouteHandler<ListMovementsRoute, AppEnv> = async (c) =>
  c.json(
    await c.get("services").inventory.listMovements(c.req.valid("param").spiritId, c.req.valid("query")),
    200,
  );

export const runAudit: RouteHandler<RunAuditRoute, AppEnv> = async (c) => {
  const audit = await c.get("services").inventory.runAudit("manual", principalOf(c).id);
  return c.json(audit, 201, { Location: `${c.req.path.replace(/\/+$/, "")}/${audit.id}` });
};

export const listAudits: RouteHandler<ListAuditsRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").inventory.listAudits(c.req.valid("query")), 200);

export const getAudit: RouteHandler<GetAuditRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").inventory.getAudit(c.req.valid("param").id), 200);
