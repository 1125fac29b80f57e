/**
 * Every error is application/problem+json: unknown routes and wrong methods on every registered path (one
 * suite on both targets: in-process on Bun, the Worker build in workerd), malformed JSON, the wrong content
 * type, validation, and a thrown bug that must leak nothing (through test-only routes mounted on the
 * in-process app, so on Bun only).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { API_PREFIX, createApp } from "../../src/app.ts";
import { PROBLEM_TYPE_BASE, ProblemError, ProblemSchema } from "../../src/http/problem.ts";
import { describeTargets } from "../support/targets.ts";
import { createTestApp, silentLogger, type TestApp } from "../support/test-app.ts";
import { mountTestRoutes, SECRET } from "./test-routes.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  mountTestRoutes(t.app);
});
afterAll(() => t.close());

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const body = await res.json();
  expect(body.status).toBe(status);
  expect(body.type).toStartWith("https://");
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  expect(body.requestId).toBe(res.headers.get("X-Request-Id"));
  return body;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The app's own route table: path pattern to methods (Hono syntax, `:id`). */
function routeTable(app: Pick<TestApp["app"], "routes">) {
  const table = new Map<string, Set<string>>();
  for (const r of app.routes) {
    if (r.method === "ALL" || r.path.includes("*")) continue;
    const methods = table.get(r.path) ?? new Set<string>();
    methods.add(r.method);
    table.set(r.path, methods);
  }
  return table;
}

const concrete = (pattern: string) => pattern.replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, "x1");
const matches = (pattern: string, path: string) =>
  new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, "[^/]+")}$`).test(
    path,
  );

describeTargets("unknown routes and wrong methods, on every registered path", (t) => {
  test("a method a path does not take is 405 with Allow listing the ones it does", async () => {
    // The route table of the app both targets serve (built over the same deps, without test routes).
    const table = routeTable(createApp(t.deps, t.services));
    expect(table.size).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const pattern of table.keys()) {
      const path = concrete(pattern);
      // Every method any route serves on this concrete path (two patterns may match it).
      const served = new Set<string>();
      for (const [other, methods] of table) if (matches(other, path)) for (const m of methods) served.add(m);
      for (const method of METHODS.filter((m) => !served.has(m))) {
        const res = await t.call(method, path);
        const allow = (res.headers.get("Allow") ?? "").split(", ");
        const type = res.headers.get("Content-Type");
        const ok =
          res.status === 405 &&
          type === "application/problem+json" &&
          [...served].every((m) => allow.includes(m)) &&
          allow.includes("OPTIONS") &&
          !allow.includes(method);
        if (!ok) failures.push(`${method} ${path}: ${res.status} ${type} Allow: ${allow.join(",")}`);
        await res.body?.cancel();
      }
    }
    expect(failures).toEqual([]);
  });

  test("a GET path also answers HEAD, without a body", async () => {
    const res = await t.call("HEAD", "/healthz");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const allow = (await t.call("DELETE", "/healthz")).headers.get("Allow");
    expect(allow).toContain("HEAD");
  });

  test("OPTIONS without a CORS preflight is 204 with Allow", async () => {
    const res = await t.call("OPTIONS", `${API_PREFIX}/spirits`);
    expect(res.status).toBe(204);
    expect(res.headers.get("Allow")).toContain("POST");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  test.each([
    ["GET", "/nothing-here"],
    ["GET", `${API_PREFIX}/nothing-here`],
    ["POST", `${API_PREFIX}/nothing-here`],
    ["GET", `${API_PREFIX}/spirits/x1/nothing-here`],
    ["DELETE", "/docs/nothing/here"],
    ["GET", "/docs/assets/nothing.js"],
    ["GET", "/docs/assets/swagger-ui/0.0.1/swagger-ui-bundle.js"],
    ["GET", "/api/v2/spirits"],
  ])("%s %s is a 404 problem", async (method, path) => {
    const body = await expectProblem(await t.call(method, path), 404);
    expect(body.instance).toBe(path);
  });
});

describe("request bodies", () => {
  const echo = `${API_PREFIX}/test/echo`;
  const post = (body: string, headers: Record<string, string> = {}) =>
    t.app.request(echo, { method: "POST", body, headers });

  test("valid JSON reaches the handler", async () => {
    const res = await post(JSON.stringify({ name: "Ardbeg", bottles: 2 }), {
      "Content-Type": "application/json",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "Ardbeg", bottles: 2 });
  });

  test.each(["{", '{"name": "Ardbeg",}', "not json at all", ""])(
    "malformed JSON %p is a 400 problem",
    async (raw) => {
      const body = await expectProblem(await post(raw, { "Content-Type": "application/json" }), 400);
      expect(body.detail).toBe("The request body is not valid JSON.");
    },
  );

  test("malformed JSON to a module's route is the same 400", async () => {
    const staff = await t.signIn("staff");
    const res = await t.call("POST", `${API_PREFIX}/spirits`, {
      body: '{"name": ',
      headers: staff.headers,
    });
    await expectProblem(res, 400);
  });

  test.each([
    ["text/plain", "Send the body as application/json, not text/plain."],
    [
      "application/x-www-form-urlencoded",
      "Send the body as application/json, not application/x-www-form-urlencoded.",
    ],
    ["multipart/form-data; boundary=x", "Send the body as application/json, not multipart/form-data."],
    ["application/jsonx", "Send the body as application/json, not application/jsonx."],
    ["application/xml", "Send the body as application/json, not application/xml."],
  ])("a body sent as %s is a 415 problem", async (type, detail) => {
    const body = await expectProblem(await post('{"name":"a","bottles":1}', { "Content-Type": type }), 415);
    expect(body.detail).toBe(detail);
  });

  test("a body without Content-Type is a 415 problem", async () => {
    const res = await post('{"name":"a","bottles":1}', { "Content-Length": "24" });
    const body = await expectProblem(res, 415);
    expect(body.detail).toContain("Content-Type header is missing");
  });

  test.each([
    "application/json; charset=utf-8",
    "Application/JSON",
    "application/merge-patch+json",
    "application/vnd.angelshare+json; version=1",
  ])("%s counts as JSON", async (type) => {
    const res = await post('{"name":"a","bottles":1}', { "Content-Type": type });
    // Hono's validator parses only application/json proper; the others pass the 415 gate.
    expect(res.status).not.toBe(415);
  });

  test("a POST without a body needs no Content-Type", async () => {
    const res = await t.app.request(echo, { method: "POST" });
    expect(res.status).not.toBe(415);
  });

  test("a 422 lists each invalid field as { path, message }", async () => {
    const res = await post(JSON.stringify({ name: "", bottles: 1.5, extra: true }), {
      "Content-Type": "application/json",
    });
    const body = await expectProblem(res, 422);
    expect(body.type).toEndWith("/validation");
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: "name", message: "must not be empty" },
        { path: "bottles", message: "must be a whole number" },
      ]),
    );
    for (const e of body.errors) expect(Object.keys(e).sort()).toEqual(["message", "path"]);
  });

  test("a 422 on the query string names the parameter", async () => {
    const res = await t.call("GET", `${API_PREFIX}/spirits?limit=lots`);
    const body = await expectProblem(res, 422);
    expect(body.errors.map((e: { path: string }) => e.path)).toContain("limit");
  });
});

describe("a bug on our side", () => {
  test("is a 500 problem that says nothing about the cause, while the log has it all", async () => {
    const requestId = `boom-${Date.now()}`;
    const res = await t.call("GET", `${API_PREFIX}/test/boom`, { headers: { "X-Request-Id": requestId } });
    const text = await res.clone().text();
    const body = await expectProblem(res, 500);
    expect(body.type).toEndWith("/internal");
    for (const leak of [SECRET, "libsql://", "db.ts", "/srv/", "at ", "Error"])
      expect(text).not.toContain(leak);
    expect(Object.keys(body).sort()).toEqual([
      "code",
      "detail",
      "instance",
      "requestId",
      "status",
      "title",
      "type",
    ]);
    const logged = silentLogger.lines.find((l) => l.requestId === requestId && l.msg === "unhandled error");
    expect(logged?.message).toContain(SECRET);
    expect(String(logged?.stack)).toContain("test-routes.ts");
  });

  test("a thrown value that is not an Error is the same 500 problem", async () => {
    const res = await t.call("GET", `${API_PREFIX}/test/throw-object`);
    const text = await res.clone().text();
    await expectProblem(res, 500);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("WEIRD");
  });
});

describe("extension members", () => {
  test("never shadow RFC 9457's members or ours", () => {
    const err = new ProblemError(409, "The order is cancelled.", {
      code: "order-status",
      extra: {
        status: "cancelled",
        type: "x",
        title: "x",
        detail: "x",
        instance: "x",
        requestId: "x",
        available: 2,
      },
    });
    const body = err.toProblem("/api/v1/orders/o1/confirm", "req-1");
    expect(body).toMatchObject({
      type: `${PROBLEM_TYPE_BASE}order-status`,
      title: "Conflict",
      status: 409,
      detail: "The order is cancelled.",
      instance: "/api/v1/orders/o1/confirm",
      requestId: "req-1",
      available: 2,
    });
    expect(ProblemSchema.safeParse(body).success).toBe(true);
  });
});
