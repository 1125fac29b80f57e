/**
 * The "echo" variant of bench/flash-sale.ts: the same app as the real server, answering the drop at a
 * route that does everything a request pays before an order handler runs (request context, rate limit,
 * body rules, the buyer's token and account, zod parsing of the same order body) and then answers
 * "sold out" without any order work. What the real server adds on top of it is the order path itself;
 * what it costs against the ceiling is the app's pipeline over HTTP (bench/order-path.ts measures the same
 * split in-process).
 *
 * Started by the bench as a child process on the real server's database file (read here, never written).
 */

import { createRouter } from "../src/http/openapi.ts";
import { conflict } from "../src/http/problem.ts";
import { serveBenchApp } from "./bench-app.ts";
import { echoRoute } from "./echo-route.ts";

if (import.meta.main) {
  await serveBenchApp("echo", {
    routes: (app) =>
      app.route(
        "/api/v1",
        createRouter().openapi(echoRoute, (c) => {
          c.req.valid("json");
          throw conflict("Sold out.", { code: "sold-out", extra: { available: 0 } });
        }),
      ),
  });
}
