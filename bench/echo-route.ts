/**
 * The echo route of bench/order-path.ts (in-process) and bench/flash-sale-echo-app.ts (over HTTP): every
 * middleware a signed-in order pays (role check, zod of the same order body) before a handler that does no
 * order work.
 */
import { createRoute } from "@hono/zod-openapi";
import { access } from "../src/http/access.ts";
import { requireRole } from "../src/http/auth.ts";
import { jsonBody, jsonContent } from "../src/http/openapi.ts";
import { CreateOrderSchema } from "../src/modules/orders/orders.schemas.ts";

export const echoRoute = createRoute({
  method: "post",
  path: "/bench/echo",
  ...access("owner"),
  middleware: [requireRole()],
  request: jsonBody(CreateOrderSchema),
  responses: { 200: jsonContent(CreateOrderSchema, "The order body, parsed.") },
});
