import { expect, test } from "bun:test";
import { describeTargets } from "../support/targets.ts";

// One suite, two targets: in-process on Bun and the Worker build in workerd.
describeTargets("system endpoints", (t) => {
  test("healthz answers ok", async () => {
    const res = await t.call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  test("readyz says the database answers and migrations are applied", async () => {
    const res = await t.call("GET", "/readyz");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe("ready");
    expect(body.migrations.applied).toBe(body.migrations.expected);
  });

  test("every response carries X-Request-Id, echoing a sane one from the request", async () => {
    const res = await t.call("GET", "/healthz", { headers: { "X-Request-Id": "abc-123" } });
    expect(res.headers.get("X-Request-Id")).toBe("abc-123");
    const other = await t.call("GET", "/healthz", { headers: { "X-Request-Id": "bad id with spaces" } });
    expect(other.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describeTargets("errors are problem+json", (t) => {
  test("unknown route is 404", async () => {
    const res = await t.call("GET", "/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const body = await res.json();
    expect(body).toMatchObject({ status: 404, title: "Not found" });
    expect(body.type).toContain("not-found");
  });

  test("wrong method on a known path is 405 with Allow", async () => {
    const res = await t.call("DELETE", "/healthz");
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toContain("GET");
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });

  test("a bad bearer token is 401, never anonymous", async () => {
    const res = await t.call("GET", "/api/v1/openapi.json", {
      headers: { Authorization: "Bearer not.a.jwt" },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
  });
});
