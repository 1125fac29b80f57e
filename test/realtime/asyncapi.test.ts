import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import asyncApi300 from "@asyncapi/specs/schemas/3.0.0.json";
import Ajv from "ajv";
import { stockMessage } from "../../src/stock/messages.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests walk JSON documents freely.
type Json = any;

let t: TestApp;
let doc: Json;
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.request("https://shop.example/api/v1/asyncapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toStartWith("application/json");
  doc = await res.json();
});
afterAll(() => t.close());

const ajv = () => new Ajv({ strict: false, allErrors: true, validateFormats: false });

/** The official schema embeds JSON Schema draft-07's meta-schema, which Ajv already has under the same id. */
function officialSchema() {
  const schema = structuredClone(asyncApi300) as { definitions: Record<string, unknown> };
  delete schema.definitions["http://json-schema.org/draft-07/schema"];
  return schema;
}

const event = {
  spiritId: "spr_1",
  version: 7,
  available: 5,
  byLocation: [{ locationId: "loc_a", available: 5 }],
  byBatch: [{ batchId: null, locationId: "loc_a", onHand: 6, reserved: 1, available: 5 }],
  status: "available",
  at: "2026-06-01T12:00:00.000Z",
};

describe("the AsyncAPI document", () => {
  test("is a valid AsyncAPI 3.0.0 document (checked against the official JSON schema)", () => {
    const validate = ajv().compile(officialSchema());
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The check has teeth: a channel without its address, or an unknown action, is refused.
    expect(validate({ ...doc, channels: { broken: { title: 1 } } })).toBe(false);
    expect(
      validate({
        ...doc,
        operations: { x: { action: "listen", channel: doc.operations.receiveStock.channel } },
      }),
    ).toBe(false);
  });

  test("names this server's WebSocket and HTTP endpoints, and every channel and operation", () => {
    expect(doc.asyncapi).toBe("3.0.0");
    expect(doc.servers.websocket).toMatchObject({
      host: "shop.example",
      protocol: "wss",
      pathname: "/api/v1",
    });
    expect(doc.servers.http).toMatchObject({ host: "shop.example", protocol: "https", pathname: "/api/v1" });
    expect(Object.values(doc.channels).map((c: Json) => c.address)).toEqual([
      "/spirits/{spiritId}/stock/ws",
      "/stock/ws",
      "/spirits/{spiritId}/stock/events",
      // Webhooks: each endpoint's own URL.
      null,
    ]);
    // Every $ref points at something in the document.
    const refs = JSON.stringify(doc).match(/"\$ref":"#[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const path = ref.slice(9, -1).split("/").slice(1);
      let node: Json = doc;
      for (const key of path) node = node?.[key];
      expect(node).toBeDefined();
    }
  });

  test("its message schemas accept what the server sends and refuse what it never sends", () => {
    const a = ajv();
    a.addSchema(doc, "asyncapi");
    const schema = (name: string) => a.getSchema(`asyncapi#/components/schemas/${name}`)!;
    expect(schema("StockSnapshotMessage")(stockMessage(event, "snapshot", "public"))).toBe(true);
    expect(schema("StockUpdateMessage")(stockMessage(event, "stock", "staff"))).toBe(true);
    expect(schema("StockUpdateMessage")(stockMessage(event, "snapshot", "public"))).toBe(false);
    expect(schema("StockSubscribeMessage")({ type: "subscribe", spiritIds: ["spr_1"] })).toBe(true);
    expect(schema("StockSubscribeMessage")({ type: "subscribe", spiritIds: [] })).toBe(false);
    expect(schema("StockSubscribeMessage")({ type: "subscribe", spiritIds: Array(101).fill("x") })).toBe(
      false,
    );
    for (const message of Object.values(doc.components.messages) as Json[]) {
      const name = message.payload.$ref.split("/").pop();
      for (const example of message.examples ?? []) expect(schema(name)(example.payload)).toBe(true);
    }
  });

  test("is declared in the OpenAPI document, with the socket and event-stream routes and the message types", async () => {
    const openapi = (await (await t.app.request("/api/v1/openapi.json")).json()) as Json;
    expect(openapi.paths["/api/v1/asyncapi.json"].get.responses["200"]).toBeDefined();
    const ws = openapi.paths["/api/v1/spirits/{id}/stock/ws"].get;
    expect(Object.keys(ws.responses)).toEqual(expect.arrayContaining(["101", "404", "426"]));
    // Both deployments serve every stream and socket (Workers through Durable Objects).
    for (const path of [
      "/api/v1/spirits/{id}/stock/ws",
      "/api/v1/stock/ws",
      "/api/v1/spirits/{id}/stock/events",
      "/api/v1/customers/{id}/notifications/ws",
    ]) {
      expect(Object.keys(openapi.paths[path].get.responses)).not.toContain("501");
    }
    expect(ws.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(["id", "token"]));
    expect(openapi.paths["/api/v1/stock/ws"].get.responses["101"]).toBeDefined();
    const sse = openapi.paths["/api/v1/spirits/{id}/stock/events"].get;
    expect(Object.keys(sse.responses["200"].content)).toEqual(["text/event-stream"]);
    expect(sse.parameters.map((p: Json) => p.name)).toEqual(
      expect.arrayContaining(["last-event-id", "token"]),
    );
    expect(Object.keys(openapi.components.schemas)).toEqual(
      expect.arrayContaining([
        "StockSnapshotMessage",
        "StockUpdateMessage",
        "StockSubscribeMessage",
        "StockErrorMessage",
      ]),
    );
  });

  test("without a WebSocket runtime the socket routes answer 501, and the event stream still works", async () => {
    const s = await t.services.catalog.createSpirit({
      name: "No Sockets Here",
      brand: "Test",
      distillery: "Test",
      type: "gin",
      country: "GB",
      abv: 40,
      bottleSizeMl: 700,
      price: { amountMinor: 1000, currency: "GBP" },
    } as never);
    const res = await t.app.request(`/api/v1/spirits/${s.id}/stock/ws`, {
      headers: { Upgrade: "websocket" },
    });
    expect(res.status).toBe(501);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const stream = await t.app.request(`/api/v1/spirits/${s.id}/stock/events`);
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let text = "";
    while (!text.includes('"type":"snapshot"')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain(`"spiritId":"${s.id}"`);
    await reader.cancel();
  });
});
