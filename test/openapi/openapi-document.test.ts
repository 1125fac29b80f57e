/**
 * Structural quality of the published OpenAPI document, checked over every route the app registers, so
 * it keeps holding as modules add routes. Each failure lists the offending operations.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { compileErrors, validate } from "@readme/openapi-parser";
import { API_PREFIX } from "../../src/app.ts";
import { buildOpenApiDocument, listOperations } from "../../src/http/openapi-document.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

/** Routes that are not API operations, and why. */
const NOT_IN_OPENAPI: Record<string, string> = {
  "GET /docs": "the HTML reference page",
  "GET /docs/assets/swagger-ui/{version}/{file}": "the page's static files",
  "GET /docs/assets/{file}": "the page's static files",
  [`GET ${API_PREFIX}/openapi.json`]: "the document itself",
  [`GET ${API_PREFIX}/asyncapi.json`]: "the real-time (AsyncAPI) document",
  "GET /.well-known/provenance-keys.json": "the well-known copy of GET /api/v1/provenance/keys",
  "GET /metrics": "the Prometheus scrape endpoint (operators, text format, off by default)",
};

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document is walked freely here.
type Json = Record<string, any>;

let t: TestApp;
let doc: Json;
let text: string;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.call("GET", `${API_PREFIX}/openapi.json`);
  text = await res.text();
  if (res.status !== 200) {
    // Say what the generator said: a 500 body rightly hides it.
    let cause = "";
    try {
      buildOpenApiDocument(t.app, { apiPrefix: API_PREFIX });
    } catch (err) {
      cause = `${(err as Error).message ?? ""} ${JSON.stringify(err)}`;
    }
    throw new Error(`GET ${API_PREFIX}/openapi.json answered ${res.status}. The generator says: ${cause}`);
  }
  expect(res.headers.get("Content-Type")).toStartWith("application/json");
  doc = JSON.parse(text);
});
afterAll(() => t.close());

const operations = () => listOperations(doc as { paths: Record<string, unknown> });
const label = (o: { method: string; path: string }) => `${o.method.toUpperCase()} ${o.path}`;

describe("the OpenAPI document", () => {
  test("is built once: later requests get the same bytes", async () => {
    const again = await (await t.call("GET", `${API_PREFIX}/openapi.json`)).text();
    expect(again).toBe(text);
  });

  test("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(doc) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  test("describes the product: info, contact, licence, servers and the bearer scheme", () => {
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.info.description.length).toBeGreaterThan(200);
    expect(doc.info.contact.name).toBeTruthy();
    expect(doc.info.license.name).toBeTruthy();
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
    });
  });

  test("has operations from every mounted module", () => {
    expect(operations().length).toBeGreaterThan(5);
  });
});

describe("every operation", () => {
  test("has a summary and at least one tag", () => {
    const offenders = operations()
      .filter(
        ({ operation }) => !(operation.summary as string | undefined)?.trim() || !operation.tags?.length,
      )
      .map(label);
    expect(offenders).toEqual([]);
  });

  test("uses only tags the document describes", () => {
    const described = new Map<string, string | undefined>(
      (doc.tags as { name: string; description?: string }[]).map((tag) => [tag.name, tag.description]),
    );
    const offenders = operations().flatMap((o) =>
      (o.operation.tags ?? [])
        .filter((tag) => !described.get(tag))
        .map((tag) => `${label(o)}: tag "${tag}" has no description (add it to API_TAGS)`),
    );
    expect(offenders).toEqual([]);
  });

  test("has a unique operationId that a generated client can use as a name", () => {
    const seen = new Map<string, string>();
    const offenders: string[] = [];
    for (const o of operations()) {
      const id = o.operation.operationId;
      if (!id || !/^[A-Za-z][A-Za-z0-9_]*$/.test(id)) offenders.push(`${label(o)}: operationId "${id}"`);
      else if (seen.has(id)) offenders.push(`${label(o)}: operationId "${id}" also on ${seen.get(id)}`);
      else seen.set(id, label(o));
    }
    expect(offenders).toEqual([]);
  });

  test("declares a problem+json 500", () => {
    const offenders = operations()
      .filter(({ operation }) => !problemResponse(operation, "500"))
      .map(label);
    expect(offenders).toEqual([]);
  });

  test("with a request body declares a problem+json 422", () => {
    const offenders = operations()
      .filter(({ operation }) => operation.requestBody && !problemResponse(operation, "422"))
      .map(label);
    expect(offenders).toEqual([]);
  });

  test("declares at least one success response", () => {
    const offenders = operations()
      // 101 Switching Protocols is the success of a WebSocket upgrade.
      .filter(({ operation }) => !Object.keys(operation.responses ?? {}).some((s) => /^(101|[23])/.test(s)))
      .map(label);
    expect(offenders).toEqual([]);
  });

  test("under the API prefix declares the rate limit's 429 with Retry-After", () => {
    const offenders = operations()
      .filter((o) => o.path.startsWith(`${API_PREFIX}/`))
      .filter(({ operation }) => {
        const res = (operation.responses as Json)["429"];
        return !res?.headers?.["Retry-After"] || !res?.content?.["application/problem+json"];
      })
      .map(label);
    expect(offenders).toEqual([]);
  });

  test("types its query parameters as a generated client should send them", () => {
    const offenders = operations().flatMap((o) =>
      ((o.operation.parameters as Json[] | undefined) ?? [])
        .filter((p) => p.in === "query")
        .flatMap((p) => {
          const schema = p.schema as Json;
          const where = `${label(o)} ?${p.name}`;
          const types = [schema.type].flat();
          if (types.includes("null")) return [`${where}: nullable (a query value never is null)`];
          if (schema.enum?.every((v: unknown) => ["true", "false", "1", "0"].includes(String(v))))
            return [`${where}: a flag typed as a string enum, not a boolean`];
          if (schema.type === "array" && (p.style !== "form" || typeof p.explode !== "boolean"))
            return [`${where}: a list without style form and explode saying how to write it`];
          return [];
        }),
    );
    expect(offenders).toEqual([]);
    const search = (doc.paths[`${API_PREFIX}/spirits`].get.parameters as Json[]).find(
      (p) => p.name === "facets",
    );
    expect(search).toMatchObject({ style: "form", explode: false, schema: { type: "array" } });
    expect(search?.schema.items.enum).toContain("region");
  });

  test("asks only for security schemes the document defines", () => {
    const schemes = new Set(Object.keys(doc.components?.securitySchemes ?? {}));
    const offenders = operations().flatMap((o) =>
      ((o.operation.security as Record<string, string[]>[] | undefined) ?? []).flatMap((requirement) =>
        Object.keys(requirement)
          .filter((name) => !schemes.has(name))
          .map((name) => `${label(o)}: unknown scheme ${name}`),
      ),
    );
    expect(offenders).toEqual([]);
  });
});

describe("references and routes", () => {
  test("every $ref points at a component that exists", () => {
    const offenders: string[] = [];
    walk(doc, "#", (ref, where) => {
      const target = ref.startsWith("#/") ? resolvePointer(doc, ref) : undefined;
      if (target === undefined) offenders.push(`${where}: ${ref}`);
    });
    expect(offenders).toEqual([]);
  });

  test("every registered route is documented, and every documented operation is served", () => {
    const registered = new Set(
      t.app.routes
        .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}")}`),
    );
    const documented = new Set(operations().map(label));
    const undocumented = [...registered].filter((r) => !documented.has(r) && !(r in NOT_IN_OPENAPI));
    const unserved = [...documented].filter((r) => !registered.has(r));
    expect({ undocumented, unserved }).toEqual({ undocumented: [], unserved: [] });
  });
});

function problemResponse(operation: Json, status: string): boolean {
  const res = operation.responses?.[status];
  const content = res?.$ref ? resolvePointer(doc, res.$ref)?.content : res?.content;
  return Boolean(content?.["application/problem+json"]?.schema);
}

function resolvePointer(root: Json, ref: string): Json | undefined {
  let node: Json | undefined = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function walk(node: unknown, where: string, onRef: (ref: string, where: string) => void) {
  if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) walk(child, `${where}/${i}`, onRef);
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") onRef(value, where);
      else walk(value, `${where}/${key}`, onRef);
    }
  }
}
