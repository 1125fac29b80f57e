/** X-Request-Id on every answer, and one structured JSON log line per request. */
import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { API_PREFIX } from "../../src/app.ts";
import { jsonLogger } from "../../src/deps.ts";
import { createTestApp, silentLogger, type TestApp } from "../support/test-app.ts";
import { mountTestRoutes } from "./test-routes.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  mountTestRoutes(t.app);
});
afterAll(() => t.close());

const linesFor = (requestId: string) => silentLogger.lines.filter((l) => l.requestId === requestId);
let n = 0;
const freshId = () => `req-${Date.now()}-${++n}`;

describe("X-Request-Id", () => {
  test.each([
    ["GET", "/healthz", 200],
    ["GET", "/docs", 200],
    ["GET", `${API_PREFIX}/spirits`, 200],
    ["GET", `${API_PREFIX}/nothing`, 404],
    ["DELETE", "/healthz", 405],
    ["GET", `${API_PREFIX}/test/boom`, 500],
    ["OPTIONS", `${API_PREFIX}/spirits`, 204],
  ])("%s %s (%i) carries the caller's id", async (method, path, status) => {
    const id = freshId();
    const res = await t.call(method, path, { headers: { "X-Request-Id": id } });
    expect(res.status).toBe(status);
    expect(res.headers.get("X-Request-Id")).toBe(id);
  });

  test("a missing or unsafe id is replaced by a fresh UUID", async () => {
    for (const given of [undefined, "has spaces", "x".repeat(200), "<script>", "a;b"]) {
      const headers: Record<string, string> = given === undefined ? {} : { "X-Request-Id": given };
      const res = await t.app.request("/healthz", { headers });
      expect(res.headers.get("X-Request-Id")).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    }
  });

  test("an id of at most 128 letters, digits, _, - and = is kept; a longer one or odd characters are not", async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const kept = ["a".repeat(128), "Ab_9-c=", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"];
    for (const given of kept) {
      const res = await t.app.request("/healthz", { headers: { "X-Request-Id": given } });
      expect(res.headers.get("X-Request-Id")).toBe(given);
    }
    for (const given of ["a".repeat(129), "a.b", "a:b", "a/b", "é", "a\tb", "%41"]) {
      const res = await t.app.request("/healthz", { headers: { "X-Request-Id": given } });
      expect(res.headers.get("X-Request-Id")).toMatch(uuid);
    }
  });

  test("a thrown non-Error still answers with the request's id", async () => {
    const id = freshId();
    const res = await t.call("GET", `${API_PREFIX}/test/throw-object`, { headers: { "X-Request-Id": id } });
    expect(res.status).toBe(500);
    expect(res.headers.get("X-Request-Id")).toBe(id);
    expect(linesFor(id).find((l) => l.msg === "request")?.status).toBe(500);
  });

  test("two requests without an id get different ones", async () => {
    const a = (await t.call("GET", "/healthz")).headers.get("X-Request-Id");
    const b = (await t.call("GET", "/healthz")).headers.get("X-Request-Id");
    expect(a).not.toBe(b);
  });
});

describe("one log line per request", () => {
  test("a request logs exactly one line with method, path, status and duration", async () => {
    const id = freshId();
    await t.call("GET", `${API_PREFIX}/spirits?limit=2`, { headers: { "X-Request-Id": id } });
    const lines = linesFor(id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: "request",
      requestId: id,
      method: "GET",
      path: `${API_PREFIX}/spirits`,
      status: 200,
    });
    expect(typeof lines[0]!.durationMs).toBe("number");
    expect(lines[0]!.durationMs as number).toBeGreaterThanOrEqual(0);
  });

  test("errors are logged once as the request, plus the cause for a 500", async () => {
    const notFound = freshId();
    await t.call("GET", `${API_PREFIX}/nope`, { headers: { "X-Request-Id": notFound } });
    expect(linesFor(notFound).map((l) => [l.msg, l.status])).toEqual([["request", 404]]);

    const boom = freshId();
    await t.call("GET", `${API_PREFIX}/test/boom`, { headers: { "X-Request-Id": boom } });
    const lines = linesFor(boom);
    expect(lines.filter((l) => l.msg === "request")).toHaveLength(1);
    expect(lines.find((l) => l.msg === "request")?.status).toBe(500);
    expect(lines.filter((l) => l.msg === "unhandled error")).toHaveLength(1);
  });

  test("the line names the signed-in actor", async () => {
    const staff = await t.signIn("staff");
    const id = freshId();
    await t.call("GET", `${API_PREFIX}/spirits`, { headers: { ...staff.headers, "X-Request-Id": id } });
    expect(linesFor(id)[0]?.actor).toBe(staff.id);
  });

  test("the JSON logger prints one parseable line per event and drops levels below its own", () => {
    const printed: string[] = [];
    const spy = spyOn(console, "log").mockImplementation((line: string) => void printed.push(line));
    try {
      const logger = jsonLogger("info");
      logger.log("debug", { msg: "too chatty" });
      logger.log("info", { msg: "request", requestId: "r1", status: 200 });
      logger.log("error", { msg: "unhandled error", detail: 'quote " and\nnewline' });
    } finally {
      spy.mockRestore();
    }
    expect(printed).toHaveLength(2);
    for (const line of printed) expect(line).not.toContain("\n");
    const [first, second] = printed.map((line) => JSON.parse(line));
    expect(first).toMatchObject({ level: "info", msg: "request", requestId: "r1", status: 200 });
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect(second.detail).toBe('quote " and\nnewline');
  });
});
