import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SpiritSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: the document is walked as plain JSON
let doc: any;

beforeAll(async () => {
  t = await createTestApp();
  doc = await (await t.call("GET", "/api/v1/openapi.json")).json();
});
afterAll(() => t.close());

describe("the catalog in the OpenAPI document", () => {
  test("every catalog route is there with the statuses it can answer", () => {
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    // 429: the API rate limit, declared on every /api/v1 operation by the document builder.
    // 304: a cached read's answer to a current If-None-Match (src/http/http-cache.ts).
    expect(statuses("/api/v1/spirits", "get")).toEqual(["200", "304", "401", "403", "422", "429", "500"]);
    expect(statuses("/api/v1/spirits", "post")).toEqual(
      ["201", "400", "401", "403", "413", "415", "422", "429", "500"].sort(),
    );
    expect(statuses("/api/v1/spirits/{id}", "delete")).toEqual([
      "200",
      "204",
      "401",
      "403",
      "404",
      "429",
      "500",
    ]);
    expect(statuses("/api/v1/spirits/{id}/batches", "post")).toContain("409");
    expect(statuses("/api/v1/spirits/{id}/batches/{batchId}", "put")).toContain("409");
    for (const method of ["get", "put", "patch", "delete"])
      expect(doc.paths["/api/v1/spirits/{id}"][method]).toBeDefined();
    expect(doc.paths["/api/v1/spirits/{id}/batches/{batchId}"].get).toBeDefined();
  });

  test("writes name the bearer scheme; creates declare Location; PATCH takes merge-patch+json", () => {
    expect(doc.paths["/api/v1/spirits"].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths["/api/v1/spirits"].post.responses["201"].headers.Location).toBeDefined();
    expect(Object.keys(doc.paths["/api/v1/spirits/{id}"].patch.requestBody.content).sort()).toEqual([
      "application/json",
      "application/merge-patch+json",
    ]);
  });

  test("named schemas with examples, and the Spirit example is itself a valid Spirit", () => {
    for (const name of [
      "Spirit",
      "SpiritInput",
      "SpiritPatch",
      "SpiritList",
      "SpiritArchived",
      "Batch",
      "BatchInput",
    ]) {
      expect(doc.components.schemas[name]).toBeDefined();
    }
    const example = doc.components.schemas.Spirit.example;
    expect(SpiritSchema.parse(example)).toEqual(example);
  });
});
