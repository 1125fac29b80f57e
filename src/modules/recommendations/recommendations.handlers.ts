import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { isStaff, principalOf } from "../../http/auth.ts";
import { ProblemError } from "../../http/problem.ts";
import type { GetRecommendationsRoute } from "./recommendations.routes.ts";

export const getRecommendations: RouteHandler<GetRecommendationsRoute, AppEnv> = async (c) => {
  const principal = principalOf(c);
  const { customerId: asked, ...query } = c.req.valid("query");
  let customerId = principal.id;
  if (asked && asked !== "me" && asked !== principal.id) {
    if (!isStaff(principal))
      throw new ProblemError(403, "Only staff can ask for another customer's recommendations.");
    customerId = asked;
  }
  return c.json(await c.get("services").recommendations.recommend(customerId, query), 200);
};
