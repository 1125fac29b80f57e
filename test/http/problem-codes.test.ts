/**
 * Problem codes are a contract: every code the source can throw is in the one table
 * (src/problem-codes.ts), every code there is documented in the OpenAPI document, and real problem bodies
 * carry their code and agree with the published `Problem` schema.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { API_PREFIX } from "../../src/app.ts";
import { ProblemSchema } from "../../src/http/problem.ts";
import { isProblemCode, PROBLEM_CODES } from "../../src/problem-codes.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

const SRC = join(import.meta.dir, "../../src");
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

/** Literal codes given to a problem: `code: "x"` in a ProblemError's statement, or a DomainError's first argument. */
function thrownCodes(): { code: string; where: string }[] {
  const found: { code: string; where: string }[] = [];
  for (const file of filesUnder(SRC)) {
    const text = readFileSync(file, "utf8");
    const where = file.slice(SRC.length + 1);
    for (const m of text.matchAll(/new ProblemError\(([^;]|;(?!\n))*?\bcode: "([a-z-]+)"/g))
      found.push({ code: m[2]!, where });
    for (const m of text.matchAll(/new DomainError\(\s*"([a-z-]+)"/g)) found.push({ code: m[1]!, where });
  }
  return found;
}

/** Files that hold domain logic: services, the stock core, the database layer. */
const isDomainFile = (where: string) =>
  where.startsWith("stock/") ||
  where.startsWith("db/") ||
  /^modules\/[^/]+\/(?!.*\.(handlers|routes)\.ts$)/.test(where);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("problem codes", () => {
  test("every code the source gives a ProblemError is in the table", () => {
    const codes = thrownCodes();
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter((c) => !isProblemCode(c.code))).toEqual([]);
  });

  test("services throw domain errors: none of them imports HTTP problems", () => {
    const leaking = filesUnder(SRC)
      .map((file) => ({ where: file.slice(SRC.length + 1), text: readFileSync(file, "utf8") }))
      .filter(({ where }) => isDomainFile(where) && !where.endsWith("/index.ts"))
      .filter(({ text }) => /from "[./]+\/http\/problem\.ts"|\bProblemError\b/.test(text))
      .map(({ where }) => where);
    expect(leaking).toEqual([]);
    expect(thrownCodes().filter((c) => isDomainFile(c.where)).length).toBeGreaterThan(20);
  });

  test("a domain error answers with its code's status, detail and facts", async () => {
    const customer = await t.signIn("customer");
    const res = await t.call("GET", `${API_PREFIX}/orders/no-such-order`, { headers: customer.headers });
    expect(res.status).toBe(404);
    const body = ProblemSchema.parse(await res.json());
    expect([body.code, body.status, body.detail]).toEqual([
      "not-found",
      404,
      "Order no-such-order was not found.",
    ]);
  });

  test("every code is documented in the OpenAPI document, with when it occurs", async () => {
    const doc = (await (await t.call("GET", `${API_PREFIX}/openapi.json`)).json()) as {
      components: { schemas: Record<string, { enum?: string[]; description?: string; properties?: object }> };
    };
    const schema = doc.components.schemas.ProblemCode!;
    expect(schema.enum!.sort()).toEqual(Object.keys(PROBLEM_CODES).sort());
    for (const [code, when] of Object.entries(PROBLEM_CODES))
      expect(schema.description).toContain(`\`${code}\`: ${when}`);
    expect(Object.keys(doc.components.schemas.Problem!.properties!)).toContain("code");
  });

  test("real problems carry their code and agree with the Problem schema", async () => {
    const staff = await t.signIn("staff");
    const answers = [
      await t.call("GET", `${API_PREFIX}/nothing-here`),
      await t.call("DELETE", `${API_PREFIX}/openapi.json`),
      await t.call("GET", `${API_PREFIX}/customers/me`),
      await t.call("POST", `${API_PREFIX}/spirits`, { headers: staff.headers, body: { name: 1 } }),
      await t.call("POST", `${API_PREFIX}/spirits`, { headers: staff.headers, body: "{not json" }),
    ];
    const codes = [];
    for (const res of answers) {
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      const body = await res.json();
      const parsed = ProblemSchema.parse(body);
      expect(parsed.status).toBe(res.status);
      expect(parsed.type).toEndWith(`/${parsed.code}`);
      codes.push(parsed.code);
    }
    expect(codes).toEqual(["not-found", "method-not-allowed", "unauthorized", "validation", "bad-request"]);
  });
});
