/** `GET /` and `GET /api/v1` answer with links a newcomer can follow, and every link answers. */
import { expect, test } from "bun:test";
import { ApiLinksSchema } from "../../src/modules/docs/api-links.routes.ts";
import { describeTargets } from "../support/targets.ts";

describeTargets("API links", (t) => {
  for (const path of ["/", "/api/v1", "/api/v1/"]) {
    test(`GET ${path} is public JSON with the docs, OpenAPI, AsyncAPI and health links`, async () => {
      const res = await t.call("GET", path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toStartWith("application/json");
      const body = ApiLinksSchema.parse(await res.json());
      expect(body.links.docs.href).toBe("/docs");
      expect(body.links.openapi.href).toBe("/api/v1/openapi.json");
      expect(body.links.asyncapi.href).toBe("/api/v1/asyncapi.json");
      expect(body.links.health.href).toBe("/healthz");
    });
  }

  test("every link answers 200 with the media type it announces, without a token", async () => {
    const body = ApiLinksSchema.parse(await (await t.call("GET", "/")).json());
    for (const link of Object.values(body.links)) {
      const res = await t.call("GET", link.href);
      expect({ href: link.href, status: res.status }).toEqual({ href: link.href, status: 200 });
      expect(res.headers.get("Content-Type")).toStartWith(link.type);
    }
    // The same body at both addresses.
    expect(await (await t.call("GET", "/api/v1")).json()).toEqual(body);
  });

  test("both are in the OpenAPI document as public operations with the ApiLinks schema", async () => {
    const doc = (await (await t.call("GET", "/api/v1/openapi.json")).json()) as {
      paths: Record<
        string,
        {
          get?: {
            security?: unknown[];
            "x-access"?: string;
            responses: Record<string, { content: Record<string, { schema: { $ref?: string } }> }>;
          };
        }
      >;
    };
    for (const path of ["/", "/api/v1"]) {
      const op = doc.paths[path]?.get;
      expect(op).toBeDefined();
      expect(op!["x-access"]).toBe("public");
      expect(op!.security).toEqual([]);
      expect(op!.responses["200"]!.content["application/json"]!.schema.$ref).toBe(
        "#/components/schemas/ApiLinks",
      );
    }
  });
});
