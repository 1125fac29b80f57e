import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { customerIdOf, principalOf } from "../../http/auth.ts";
import type { EraseCustomerRoute, ExportCustomerRoute } from "./privacy.routes.ts";

export const exportCustomer: RouteHandler<ExportCustomerRoute, AppEnv> = async (c) => {
  const id = customerIdOf(c, c.req.valid("param").id);
  const document = await c.get("services").privacy.exportCustomer(id, principalOf(c));
  return c.json(document, 200, {
    "Cache-Control": "no-store",
    "Content-Disposition": `attachment; filename="angelshare-${id}.json"`,
  });
};

export const eraseCustomer: RouteHandler<EraseCustomerRoute, AppEnv> = async (c) => {
  const id = customerIdOf(c, c.req.valid("param").id);
  return c.json(await c.get("services").privacy.eraseCustomer(id, principalOf(c), c.req.valid("json")), 200);
};
