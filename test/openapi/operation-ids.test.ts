import { describe, expect, test } from "bun:test";
import { createRoute } from "@hono/zod-openapi";
import { createRouter, problemResponses } from "../../src/http/openapi.ts";
import { buildOpenApiDocument, deriveOperationId } from "../../src/http/openapi-document.ts";

const P = "/api/v1";

describe("operationIds derived for operations that name none", () => {
  test.each([
    ["get", "/api/v1/spirits", "listSpirits"],
    ["post", "/api/v1/spirits", "createSpirit"],
    ["post", "/api/v1/spirits/{id}/batches", "createSpiritBatch"],
    ["post", "/api/v1/orders/{id}/confirm", "confirmOrder"],
    ["post", "/api/v1/orders/{id}/deliver", "deliverOrder"],
    ["post", "/api/v1/inventory/{spiritId}/preorders/release", "releaseInventoryPreorder"],
    ["post", "/api/v1/customers/{id}/wishlist", "createCustomerWishlist"],
    ["post", "/api/v1/spirits/{id}/reviews/{reviewId}/moderation", "createSpiritReviewModeration"],
    ["get", "/api/v1/spirits/{id}", "getSpirit"],
    ["put", "/api/v1/spirits/{id}", "replaceSpirit"],
    ["patch", "/api/v1/spirits/{id}", "updateSpirit"],
    ["delete", "/api/v1/spirits/{id}", "deleteSpirit"],
    ["get", "/api/v1/spirits/{id}/batches", "listSpiritBatches"],
    ["put", "/api/v1/spirits/{id}/batches/{batchId}", "replaceSpiritBatch"],
    ["get", "/api/v1/customers/{id}/wishlist", "getCustomerWishlist"],
    ["delete", "/api/v1/customers/{id}/wishlist/{spiritId}", "deleteCustomerWishlist"],
    ["post", "/api/v1/auth/login", "loginAuth"],
    ["get", "/api/v1/inventory/{spiritId}/movements", "listInventoryMovements"],
    ["get", "/api/v1/categories", "listCategories"],
    ["get", "/healthz", "getHealthz"],
  ])("%s %s is %s", (method, path, id) => {
    expect(deriveOperationId(method, path, P)).toBe(id);
  });

  test("an operationId a route gives is kept, and derived ones never collide", () => {
    const route = (method: "get" | "post", path: string, operationId?: string) =>
      createRoute({
        method,
        path,
        summary: "x",
        tags: ["System"],
        ...(operationId ? { operationId } : {}),
        responses: { 204: { description: "ok" }, ...problemResponses() },
      });
    const app = createRouter()
      .openapi(route("get", "/things/{id}", "readThing"), (c) => c.body(null, 204))
      .openapi(route("get", "/things/{thingId}/x"), (c) => c.body(null, 204))
      .openapi(route("get", "/thing/{id}/x"), (c) => c.body(null, 204));
    const doc = buildOpenApiDocument(app, { apiPrefix: P });
    const ids = Object.values(doc.paths ?? {}).map(
      (item) => (item as { get: { operationId: string } }).get.operationId,
    );
    expect(ids).toEqual(["readThing", "getThingX", "getThingX2"]);
  });
});
