/**
 * On the Worker build: the traceparent comes back on the answer and reaches the spirit's Durable Object
 * (its log lines carry the trace id), and metrics are structured log lines, never a /metrics endpoint.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { parseTraceparent } from "../../src/http/trace-context.ts";
import { openShop } from "../orders/shop.ts";
import { openTarget, type Target } from "../support/targets.ts";
import { waitFor } from "../support/wait-for.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const VALID = `00-${TRACE}-00f067aa0ba902b7-01`;

let t: Target;
beforeAll(async () => {
  t = await openTarget("worker", { env: { LOG_LEVEL: "info", METRICS_TOKEN: "metrics-token-0123456789" } });
});
afterAll(() => t.close());

const jsonLines = () =>
  t.worker!.logs.flatMap((l) => {
    try {
      return [JSON.parse(l.message) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

test("a hold's traceparent: answered back, in the Worker's request line and in the Durable Object's lines", async () => {
  const shop = await openShop(t);
  const spirit = await shop.spirit();
  await shop.receive(spirit, 1);
  const buyer = await shop.customer();
  const res = await shop.order(buyer, [{ spiritId: spirit, quantity: 1 }], undefined, { traceparent: VALID });
  expect(res.status).toBe(201);
  expect(parseTraceparent(res.headers.get("traceparent"))?.traceId).toBe(TRACE);
  // workerd hands over console lines asynchronously (the object's may come after the answer).
  const traced = () => jsonLines().filter((l) => l.traceId === TRACE);
  const request = await waitFor(() => traced().find((l) => l.msg === "request"), {
    what: "the request line",
  });
  expect(request).toMatchObject({ route: "/api/v1/orders", status: 201 });
  // Only the spirit's object counts holds: this line was written there, under the request's trace.
  const held = await waitFor(() => traced().find((l) => l.metric === "angelshare_stock_holds_placed_total"), {
    what: "the Durable Object's holds-placed line",
  });
  expect(held).toMatchObject({ msg: "metric", type: "counter", value: 1 });
  const counted = await waitFor(
    () =>
      traced().find(
        (l) =>
          l.metric === "angelshare_http_requests_total" &&
          (l.labels as Record<string, string>).route === "/api/v1/orders",
      ),
    { what: "the request's metric line" },
  );
  expect(counted).toMatchObject({
    type: "counter",
    value: 1,
    labels: { method: "POST", status_class: "2xx" },
  });
});

test("/metrics is 404 on the Worker, even with the token (its metrics are log lines)", async () => {
  const res = await t.call("GET", "/metrics", {
    headers: { Authorization: "Bearer metrics-token-0123456789" },
  });
  expect(res.status).toBe(404);
});
