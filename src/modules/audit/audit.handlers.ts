import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import type { VerifyAuditLogRoute } from "./audit.routes.ts";

export const verifyAuditLog: RouteHandler<VerifyAuditLogRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").audit.verify(), 200);
