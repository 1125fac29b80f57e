/** Every event type is documented as a webhook in the OpenAPI document and as a message in the AsyncAPI one. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { EVENT_TYPES } from "../../src/modules/events/domain-events.ts";
import { webhookBody } from "../../src/modules/webhooks/deliveries.ts";
import { webhookBodySchemaOf, webhookComponentName } from "../../src/modules/webhooks/event-docs.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

// biome-ignore lint/suspicious/noExplicitAny: walking parsed JSON documents
type Json = Record<string, any>;
let app: TestApp;
let openapi: Json;
let asyncapi: Json;
beforeAll(async () => {
  app = await createTestApp();
  openapi = await (await app.call("GET", "/api/v1/openapi.json")).json();
  asyncapi = await (await app.call("GET", "/api/v1/asyncapi.json")).json();
});
afterAll(() => app.close());

test("the OpenAPI document's webhooks: one per event type (and the test event), with its payload schema", () => {
  expect(Object.keys(openapi.webhooks).sort()).toEqual([...EVENT_TYPES, "webhook.test"].sort());
  const summaries = new Set<string>();
  for (const type of EVENT_TYPES) {
    const post = openapi.webhooks[type].post;
    // Each type says what it means, in its own words.
    expect(post.summary.length).toBeGreaterThan(20);
    summaries.add(post.summary);
    expect(post.requestBody.content["application/json"].schema.$ref).toBe(
      `#/components/schemas/${webhookComponentName(type)}`,
    );
    expect(post.parameters.map((p: Json) => p.name).sort()).toEqual([
      "webhook-id",
      "webhook-signature",
      "webhook-timestamp",
    ]);
    const schema = openapi.components.schemas[webhookComponentName(type)];
    expect(schema.properties.type).toMatchObject({ type: "string", enum: [type] });
    expect(schema.properties.data.type).toBe("object");
  }
  expect(summaries.size).toBe(EVENT_TYPES.length);
  const price = openapi.components.schemas.SpiritPriceChangedWebhook.properties.data;
  expect(Object.keys(price.properties).sort()).toEqual(["previous", "price", "spiritId"]);
});

test("the AsyncAPI document: a message per event type on the webhooks channel, the same schemas", () => {
  const channel = asyncapi.channels.webhooks;
  expect(Object.keys(channel.messages).sort()).toEqual([...EVENT_TYPES, "webhook.test"].sort());
  expect(asyncapi.operations.sendWebhooks.action).toBe("send");
  const name = webhookComponentName("order.refunded");
  expect(asyncapi.components.messages["order.refunded"].payload.$ref).toBe(`#/components/schemas/${name}`);
  expect(asyncapi.components.schemas[name].properties.data.required.sort()).toEqual([
    "customerId",
    "orderId",
    "refund",
  ]);
});

test("what is sent passes the documented schema", () => {
  const body = webhookBody({
    id: "evt_1",
    type: "stock.changed",
    occurredAt: "2026-12-04T01:00:00.000Z",
    subject: "spr_1",
    payload: { spiritId: "spr_1", available: 3, version: 9 },
  });
  expect(webhookBodySchemaOf("stock.changed").parse(body) as unknown).toEqual(body);
  expect(
    webhookBodySchemaOf("stock.changed").safeParse({ ...body, data: { spiritId: "spr_1" } }).success,
  ).toBe(false);
});
