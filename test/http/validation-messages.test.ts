/**
 * Every validation message is in the API's own words. A sweep over the OpenAPI document sends each
 * operation bodies and queries that are wrong in every way a client gets them wrong (wrong types, missing
 * fields, values outside enumerations, unknown fields, out-of-range sizes and formats), and holds each
 * problem's `detail` and `errors[].message` against zod's default phrasings, read from zod's own English
 * locale so the test follows zod when it changes its words.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { z } from "@hono/zod-openapi";
import { apiMessage } from "../../src/http/schema-messages.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

/** zod's English messages as patterns: the literal parts of each message it returns, anything between. */
function zodDefaultPhrasings(): RegExp[] {
  const file = createRequire(import.meta.url).resolve("zod/v4/locales/en.js");
  const source = readFileSync(file, "utf8");
  const body = source.slice(source.indexOf("return (issue) =>"));
  const literals = [...body.matchAll(/return\s+(`[^`]*`|"[^"]*")/g)].map((m) => m[1]!.slice(1, -1));
  const literally = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return literals.map(
    (text) =>
      new RegExp(
        `^${text
          .split(/\$\{[^}]*\}/)
          .map(literally)
          .join(".*")}$`,
      ),
  );
}

const ZOD = zodDefaultPhrasings();
const zodLike = (message: string) => ZOD.find((p) => p.test(message));

test("the phrasings are really zod's: its own English messages match them", () => {
  expect(ZOD.length).toBeGreaterThan(12);
  const english = z.locales.en().localeError;
  const schema = z.strictObject({ a: z.string(), b: z.enum(["x", "y"]), c: z.number().min(3), d: z.email() });
  const result = schema.safeParse({ b: "z", c: 1, d: "no", e: 1 }, { error: (iss) => english(iss) });
  const messages = result.error?.issues.map((i) => i.message) ?? [];
  expect(messages).toHaveLength(5);
  for (const m of messages) expect(zodLike(m), m).toBeDefined();
});

describe("apiMessage: our words for every zod issue code", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["invalid_type, missing", { code: "invalid_type", expected: "string", input: undefined }],
    ["invalid_type", { code: "invalid_type", expected: "number", input: "7" }],
    ["invalid_value", { code: "invalid_value", values: ["scotch", "rye", "bourbon"], input: "gin" }],
    ["invalid_value, one", { code: "invalid_value", values: [true], input: false }],
    ["too_small, string", { code: "too_small", origin: "string", minimum: 3, inclusive: true, input: "a" }],
    ["too_small, number", { code: "too_small", origin: "number", minimum: 0, inclusive: false, input: 0 }],
    ["too_big, array", { code: "too_big", origin: "array", maximum: 5, inclusive: true, input: [] }],
    ["too_big, number", { code: "too_big", origin: "int", maximum: 10, inclusive: true, input: 11 }],
    ["invalid_format, email", { code: "invalid_format", format: "email", input: "x" }],
    ["invalid_format, regex", { code: "invalid_format", format: "regex", pattern: "/^a$/", input: "b" }],
    [
      "invalid_format, starts_with",
      { code: "invalid_format", format: "starts_with", prefix: "a", input: "b" },
    ],
    ["not_multiple_of", { code: "not_multiple_of", divisor: 5, input: 3 }],
    ["unrecognized_keys", { code: "unrecognized_keys", keys: ["nickname"], input: {} }],
    ["invalid_key", { code: "invalid_key", origin: "record", issues: [], input: {} }],
    ["invalid_element", { code: "invalid_element", origin: "set", key: 1, issues: [], input: 1 }],
    ["invalid_union", { code: "invalid_union", errors: [[], []], input: 1 }],
    [
      "invalid_union, types",
      {
        code: "invalid_union",
        errors: [
          [{ code: "invalid_type", expected: "string", path: [] }],
          [{ code: "invalid_type", expected: "number", path: [] }],
        ],
        input: true,
      },
    ],
    ["invalid_union, discriminator", { code: "invalid_union", errors: [], options: ["a", "b"], input: "c" }],
    ["custom", { code: "custom", input: 1 }],
  ];
  test.each(cases)("%s", (_what, issue) => {
    const message = apiMessage(issue);
    expect(message.length).toBeGreaterThan(5);
    expect(zodLike(message), message).toBeUndefined();
    expect(message).not.toMatch(/expected|received|Invalid|Too (small|big)/);
  });

  test("a few in full", () => {
    expect(apiMessage({ code: "invalid_type", expected: "string", input: 42 })).toBe(
      "must be text, not a number",
    );
    expect(apiMessage({ code: "invalid_value", values: ["scotch", "rye", "bourbon"], input: "gin" })).toBe(
      "must be one of scotch, rye or bourbon",
    );
    expect(apiMessage({ code: "too_small", origin: "string", minimum: 1, inclusive: true, input: "" })).toBe(
      "must not be empty",
    );
    expect(apiMessage({ code: "too_big", origin: "string", maximum: 40, inclusive: true, input: "" })).toBe(
      "must be at most 40 characters",
    );
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the document is walked as plain JSON
type Schema = Record<string, any>;
type Operation = { method: string; path: string; op: Schema };

describe("a sweep over every operation in the OpenAPI document", () => {
  let app: TestApp;
  let doc: Schema;
  let headersFor: (access: string) => Record<string, string>;

  beforeAll(async () => {
    app = await createTestApp();
    doc = await (await app.call("GET", "/api/v1/openapi.json")).json();
    const admin = await app.signIn("admin");
    const customer = await app.signIn("customer");
    headersFor = (access) => (access === "customer" ? customer.headers : admin.headers);
  });
  afterAll(() => app.close());

  const deref = (s: Schema | undefined): Schema => {
    let out = s ?? {};
    for (let i = 0; out.$ref && i < 10; i++) out = doc.components.schemas[String(out.$ref).split("/").pop()!];
    return out;
  };
  const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type);

  /** A value of the wrong kind for the schema, going into objects and lists. */
  function wrong(raw: Schema | undefined, depth = 0): unknown {
    const s = deref(raw);
    if (s.enum) return "zz-not-one-of-these";
    if (s.const !== undefined) return "zz-not-the-constant";
    if (s.anyOf || s.oneOf || s.allOf) {
      const options = (s.anyOf ?? s.oneOf ?? s.allOf).map(deref);
      return options.some((o: Schema) => typeOf(o) === "object") && depth < 3
        ? wrong(
            options.find((o: Schema) => typeOf(o) === "object"),
            depth,
          )
        : [[]];
    }
    switch (typeOf(s)) {
      case "string":
        return 42;
      case "number":
      case "integer":
        return "x";
      case "boolean":
        return "yes";
      case "array":
        return depth < 3 && s.items ? [wrong(s.items, depth + 1)] : "x";
      case "object":
        if (depth >= 3) return "x";
        return {
          ...Object.fromEntries(
            Object.entries(s.properties ?? {}).map(([k, v]) => [k, wrong(v as Schema, depth + 1)]),
          ),
          zzUnknownField: 1,
        };
      default:
        return [[]];
    }
  }

  /** Values of the right kind that break a bound: too short, too long, too small, too big, badly formed. */
  function outOfRange(raw: Schema | undefined): unknown {
    const s = deref(raw);
    if (s.enum) return `${s.enum[0]}-zz`;
    const t = typeOf(s);
    if (t === "string") {
      if (s.maxLength !== undefined) return "x".repeat(s.maxLength + 1);
      if (s.format) return "zz not this format";
      if (s.pattern) return "!!";
      return s.minLength ? "" : undefined;
    }
    if (t === "integer" || t === "number") {
      if (s.maximum !== undefined) return s.maximum + 1;
      if (s.minimum !== undefined) return s.minimum - 1;
      return t === "integer" ? 1.5 : undefined;
    }
    if (t === "array") {
      if (s.maxItems !== undefined)
        return Array.from({ length: s.maxItems + 1 }, () => outOfRange(s.items) ?? "x");
      return s.minItems ? [] : [outOfRange(s.items) ?? 42];
    }
    if (t === "object") {
      return Object.fromEntries(
        Object.entries(s.properties ?? {})
          .map(([k, v]) => [k, outOfRange(v as Schema)])
          .filter(([, v]) => v !== undefined),
      );
    }
    return undefined;
  }

  function bodiesFor(raw: Schema): unknown[] {
    const s = deref(raw);
    const bodies: unknown[] = ["not an object", [], wrong(s)];
    if (typeOf(s) === "object") {
      if (s.required?.length) bodies.push({}, { zzUnknownField: true });
      const enums = Object.entries(s.properties ?? {}).filter(([, v]) => deref(v as Schema).enum);
      if (enums.length) bodies.push(Object.fromEntries(enums.map(([k]) => [k, "zz-not-an-option"])));
      const bounds = outOfRange(s) as Record<string, unknown>;
      if (Object.keys(bounds).length) bodies.push(bounds);
    }
    return bodies;
  }

  function operations(): Operation[] {
    return Object.entries(doc.paths as Record<string, Record<string, Schema>>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => ["get", "post", "put", "patch", "delete"].includes(m))
        .map(([method, op]) => ({ method, path, op })),
    );
  }

  const urlOf = (path: string) =>
    path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
      name === "id" && path.includes("/customers/") ? "me" : "zz1",
    );

  test("no problem speaks zod's words", async () => {
    const offending: string[] = [];
    const failures: string[] = [];
    const answered = new Set<string>();
    let problems = 0;

    const check = async (label: string, res: Response) => {
      if (res.status >= 500) failures.push(`${label}: ${res.status} ${await res.text()}`);
      if (!res.headers.get("Content-Type")?.includes("problem+json")) return;
      const body = await res.json();
      if (res.status === 422 || res.status === 400) problems++;
      if (res.status === 422) answered.add(label.split(" #")[0]!);
      const messages = [body.detail, ...(body.errors ?? []).map((e: { message: string }) => e.message)];
      for (const m of messages)
        if (typeof m === "string" && zodLike(m)) offending.push(`${label}: ${JSON.stringify(m)}`);
    };

    for (const { method, path, op } of operations()) {
      const headers = { ...headersFor(op["x-access"]), "Idempotency-Key": crypto.randomUUID() };
      const url = urlOf(path);
      const content = op.requestBody?.content as Record<string, Schema> | undefined;
      const json = content && Object.keys(content).find((t) => t.includes("json"));
      if (json) {
        const bodies = bodiesFor(content[json]!.schema);
        for (const [i, body] of bodies.entries()) {
          const res = await app.call(method.toUpperCase(), url, {
            body,
            headers: { ...headers, "Content-Type": json, "Idempotency-Key": crypto.randomUUID() },
          });
          await check(`${method} ${path} #${i}`, res);
        }
      }
      const query = (op.parameters ?? []).filter((p: Schema) => p.in === "query");
      if (method === "get" && query.length) {
        const params = new URLSearchParams();
        for (const p of query) {
          const bad = outOfRange(p.schema) ?? wrong(p.schema);
          params.set(p.name, Array.isArray(bad) ? bad.join(",") : String(bad));
        }
        await check(`${method} ${path} #query`, await app.call("GET", `${url}?${params}`, { headers }));
      }
    }

    console.log(`sweep: ${problems} problems, ${answered.size} operations answered 422`);
    expect(failures).toEqual([]);
    expect(offending).toEqual([]);
    // The sweep really reached validation: most operations that take input answered 422.
    expect(problems).toBeGreaterThan(200);
    expect(answered.size).toBeGreaterThan(60);
  }, 120_000);
});
