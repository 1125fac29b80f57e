import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/test-app.ts";

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, unknown>; parameters?: { name: string }[] }>
  >;
  components: { schemas: Record<string, unknown> };
};

let t: TestApp;
let doc: Doc;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.call("GET", "/api/v1/openapi.json");
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(() => t.close());

describe("reviews, signals and recommendations in the OpenAPI document", () => {
  const statuses = (path: string, method: string) =>
    Object.keys(doc.paths[path]?.[method]?.responses ?? {}).sort();

  test("every route is there with the statuses it can answer", () => {
    const reviews = "/api/v1/spirits/{id}/reviews";
    expect(statuses(reviews, "get")).toEqual(
      expect.arrayContaining(["200", "401", "403", "404", "422", "500"]),
    );
    expect(statuses(reviews, "post")).toEqual(
      expect.arrayContaining(["201", "400", "401", "403", "404", "409", "413", "415", "422", "500"]),
    );
    expect(statuses(`${reviews}/{reviewId}`, "put")).toContain("404");
    expect(statuses(`${reviews}/{reviewId}`, "delete")).toContain("204");
    expect(statuses(`${reviews}/{reviewId}/moderation`, "post")).toContain("200");
    expect(statuses("/api/v1/customers/{id}/interactions", "post")).toContain("202");
    expect(statuses("/api/v1/customers/{id}/interactions", "get")).toContain("200");
    expect(statuses("/api/v1/customers/{id}/purchases", "get")).toContain("200");
    expect(statuses("/api/v1/recommendations", "get")).toEqual(
      expect.arrayContaining(["200", "401", "403", "404", "422", "500"]),
    );
    const params = (doc.paths["/api/v1/recommendations"]?.get?.parameters ?? []).map((p) => p.name).sort();
    expect(params).toEqual(["context", "currency", "customerId", "limit", "maxPrice", "minPrice", "type"]);
    const listParams = (doc.paths["/api/v1/spirits"]?.get?.parameters ?? []).map((p) => p.name);
    expect(listParams).toContain("personalize");
  });

  test("named schemas", () => {
    for (const name of [
      "Review",
      "ReviewInput",
      "ReviewList",
      "ReviewModeration",
      "ClientInteraction",
      "InteractionBatch",
      "Interaction",
      "InteractionList",
      "Purchase",
      "PurchaseList",
      "Recommendation",
      "RecommendationList",
      "RecommendedSpirit",
    ]) {
      expect(doc.components.schemas[name]).toBeDefined();
    }
  });
});
