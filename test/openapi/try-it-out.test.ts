/**
 * The docs page's "Try it out" starts each parameter from what the document suggests. Swagger UI 5
 * (swagger-ui-dist 5.35, ParameterRow.setDefaultValue for OpenAPI 3) pre-fills, first found wins:
 * the parameter's `examples[…].value`, its `content[…].example`, its `example`, its schema's `example`
 * (the schema merged with its first `oneOf`/`anyOf` member), the schema's `default`, the parameter's
 * `default`. A default is what the server does anyway; an example sent as a filter narrows the list, and
 * "Execute" with everything as suggested found nothing. So optional query parameters carry their
 * examples where it does not look: the schema's JSON Schema `examples` list.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { API_PREFIX } from "../../src/app.ts";
import { listOperations } from "../../src/http/openapi-document.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document is walked freely here.
type Json = Record<string, any>;

let t: TestApp;
let doc: Json;

beforeAll(async () => {
  t = await createTestApp();
  doc = await (await t.call("GET", `${API_PREFIX}/openapi.json`)).json();
});
afterAll(() => t.close());

/** A schema with its `$ref`s followed, as Swagger UI resolves them before it reads the schema. */
function resolve(schema: Json | undefined, seen = 0): Json | undefined {
  if (!schema?.$ref || seen > 20) return schema;
  const target = resolve(doc.components.schemas[String(schema.$ref).split("/").pop()!], seen + 1);
  const { $ref: _, ...siblings } = schema;
  return { ...target, ...siblings };
}

/** What Swagger UI would put in the parameter's field before the reader types anything, if not a default. */
function prefilledExample(p: Json): unknown {
  const param = p.$ref ? doc.components.parameters[String(p.$ref).split("/").pop()!] : p;
  const firstExample = Object.values((param.examples ?? {}) as Record<string, Json>)[0];
  if (firstExample?.value !== undefined) return firstExample.value;
  const content = Object.values((param.content ?? {}) as Record<string, Json>)[0];
  if (content?.example !== undefined) return content.example;
  if (param.example !== undefined) return param.example;
  const schema = resolve(param.schema) ?? {};
  const first = resolve(schema.oneOf?.[0] ?? schema.anyOf?.[0]) ?? {};
  return { ...first, ...schema }.example;
}

describe("Try it out on the docs page", () => {
  test("no optional query parameter of any operation comes pre-filled with an example", () => {
    const offenders: string[] = [];
    for (const { method, path, operation } of listOperations(doc as { paths: Record<string, unknown> })) {
      for (const p of (operation.parameters as Json[] | undefined) ?? []) {
        if (p.in !== "query" || p.required) continue;
        const value = prefilledExample(p);
        if (value !== undefined)
          offenders.push(`${method.toUpperCase()} ${path} ${p.name}=${JSON.stringify(value)}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test("the search's examples are still in the document, on the parameters' schemas", () => {
    const params = doc.paths[`${API_PREFIX}/spirits`].get.parameters as Json[];
    const examplesOf = (name: string) => params.find((p) => p.name === name)?.schema?.examples;
    expect(examplesOf("q")).toEqual(["peated islay 18"]);
    expect(examplesOf("region")).toEqual([["Islay"]]);
    expect(examplesOf("currency")).toEqual(["GBP"]);
    expect(examplesOf("minPrice")).toEqual([5000]);
  });

  test("listSpirits with every parameter as the page suggests lists the catalog", async () => {
    const staff = await t.signIn("staff");
    const made = await t.call("POST", `${API_PREFIX}/spirits`, {
      headers: staff.headers,
      body: {
        name: "Try It Out 10 Year Old",
        brand: "Docs",
        distillery: "Docs Distillery",
        type: "gin",
        country: "DE",
        abv: 40,
        bottleSizeMl: 500,
        price: { amountMinor: 2900, currency: "EUR" },
      },
    });
    expect(made.status).toBe(201);
    // Each optional parameter as Swagger UI fills it in: its example if any, else its default.
    const query = new URLSearchParams();
    for (const p of doc.paths[`${API_PREFIX}/spirits`].get.parameters as Json[]) {
      const value = prefilledExample(p) ?? resolve(p.schema)?.default;
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) query.append(p.name, String(v));
    }
    const res = await t.call("GET", `${API_PREFIX}/spirits?${query}`);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { name: string }[] };
    expect(items.map((s) => s.name)).toContain("Try It Out 10 Year Old");
  });
});
