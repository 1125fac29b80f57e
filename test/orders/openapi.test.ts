import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test("the OpenAPI document has every inventory and order route, with its problems and named schemas", async () => {
  const res = await t.call("GET", "/api/v1/openapi.json");
  expect(res.status).toBe(200);
  const doc = await res.json();
  for (const [path, method] of [
    ["/api/v1/inventory/{spiritId}", "get"],
    ["/api/v1/inventory/{spiritId}", "patch"],
    ["/api/v1/inventory/{spiritId}/movements", "get"],
    ["/api/v1/inventory/audits", "post"],
    ["/api/v1/inventory/audits/{id}", "get"],
    ["/api/v1/orders", "post"],
    ["/api/v1/orders", "get"],
    ["/api/v1/orders/{id}", "get"],
    ["/api/v1/orders/{id}/confirm", "post"],
    ["/api/v1/orders/{id}/cancel", "post"],
    ["/api/v1/orders/{id}/ship", "post"],
    ["/api/v1/inventory/{spiritId}/preorders/release", "post"],
  ] as const) {
    expect(doc.paths[path]?.[method]).toBeDefined();
  }
  expect(Object.keys(doc.paths["/api/v1/orders"].post.responses)).toEqual(
    expect.arrayContaining(["201", "401", "409", "422", "500"]),
  );
  for (const name of [
    "Order",
    "OrderLine",
    "Money",
    "Inventory",
    "StockChange",
    "StockMovement",
    "InventoryAudit",
  ]) {
    expect(doc.components.schemas[name]).toBeDefined();
  }
});
