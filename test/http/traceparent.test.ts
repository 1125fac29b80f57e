/** W3C traceparent: a valid one is continued, an invalid or missing one replaced; the trace id is logged. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { withTraceIds } from "../../src/deps.ts";
import { parseTraceparent } from "../../src/http/trace-context.ts";
import { asyncTraceScope } from "../../src/runtime/trace-scope.ts";
import { createTestApp, silentLogger, type TestApp } from "../support/test-app.ts";
import { mountTestRoutes } from "./test-routes.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const VALID = `00-${TRACE}-${PARENT}-01`;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ deps: { traces: asyncTraceScope() } });
});
afterAll(() => t.close());

const requestLine = (requestId: string) =>
  silentLogger.lines.find((l) => l.msg === "request" && l.requestId === requestId);

describe("traceparent", () => {
  test("a valid incoming trace is continued: same trace id and flags, our own span, in the log line", async () => {
    const res = await t.call("GET", "/healthz", {
      headers: { traceparent: VALID, "X-Request-Id": "trace-valid" },
    });
    const back = parseTraceparent(res.headers.get("traceparent"));
    expect(back?.traceId).toBe(TRACE);
    expect(back?.flags).toBe("01");
    expect(back?.parentId).not.toBe(PARENT);
    expect(res.headers.get("X-Request-Id")).toBe("trace-valid");
    expect(requestLine("trace-valid")?.traceId).toBe(TRACE);
  });

  test.each([
    ["garbage", "not-a-traceparent"],
    ["upper case", VALID.toUpperCase()],
    ["all-zero trace id", `00-${"0".repeat(32)}-${PARENT}-01`],
    ["all-zero parent id", `00-${TRACE}-${"0".repeat(16)}-01`],
    ["version ff", `ff-${TRACE}-${PARENT}-01`],
    ["version 00 with extra fields", `${VALID}-extra`],
    ["a short trace id", `00-${TRACE.slice(1)}-${PARENT}-01`],
  ])("an invalid one (%s) is replaced by a fresh trace", async (_name, header) => {
    const id = `trace-bad-${crypto.randomUUID()}`;
    const res = await t.call("GET", "/healthz", { headers: { traceparent: header, "X-Request-Id": id } });
    const back = parseTraceparent(res.headers.get("traceparent"));
    expect(back).toBeDefined();
    expect(back!.traceId).not.toBe(TRACE);
    expect(requestLine(id)?.traceId).toBe(back!.traceId);
    expect(JSON.stringify(requestLine(id))).not.toContain(header);
  });

  test("a later version with more fields is accepted (the spec's forward compatibility)", () => {
    expect(parseTraceparent(`01-${TRACE}-${PARENT}-01-future`)?.traceId).toBe(TRACE);
  });

  test("without one, each request starts a trace of its own, also on errors", async () => {
    const a = await t.call("GET", "/api/v1/no/such/path");
    const b = await t.call("GET", "/healthz");
    expect(a.status).toBe(404);
    const ta = parseTraceparent(a.headers.get("traceparent"));
    const tb = parseTraceparent(b.headers.get("traceparent"));
    expect(ta && tb && ta.traceId !== tb.traceId).toBe(true);
  });

  test("every log line of the request carries its trace id, not only the request line", async () => {
    const traces = asyncTraceScope();
    const app = await createTestApp({
      deps: { traces, logger: withTraceIds(silentLogger, traces) },
    });
    try {
      mountTestRoutes(app.app);
      const res = await app.call("GET", "/api/v1/test/boom", {
        headers: { traceparent: VALID, "X-Request-Id": "trace-boom" },
      });
      expect(res.status).toBe(500);
      const lines = silentLogger.lines.filter((l) => l.requestId === "trace-boom");
      expect(lines.map((l) => String(l.msg)).sort()).toEqual(["request", "unhandled error"]);
      expect(lines.map((l) => l.traceId)).toEqual([TRACE, TRACE]);
    } finally {
      app.close();
    }
  });
});
