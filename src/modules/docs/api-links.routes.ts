import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { jsonContent, problemResponses } from "../../http/openapi.ts";

export const LinkSchema = z
  .object({
    href: z.string().openapi({ description: "Path on this server.", example: "/docs" }),
    type: z.string().openapi({ description: "Media type of what it answers.", example: "text/html" }),
    title: z.string().openapi({ example: "Interactive API reference" }),
  })
  .openapi("Link");

export const ApiLinksSchema = z
  .object({
    name: z.string().openapi({ example: "Angel's Share API" }),
    apiBase: z.string().openapi({ description: "Where the API's operations live.", example: "/api/v1" }),
    links: z
      .object({
        docs: LinkSchema,
        openapi: LinkSchema,
        asyncapi: LinkSchema,
        health: LinkSchema,
        readiness: LinkSchema,
      })
      .openapi({ description: "Where to start: every link answers a GET without a token." }),
  })
  .openapi("ApiLinks", {
    example: {
      name: "Angel's Share API",
      apiBase: "/api/v1",
      links: {
        docs: { href: "/docs", type: "text/html", title: "Interactive API reference" },
        openapi: { href: "/api/v1/openapi.json", type: "application/json", title: "OpenAPI 3.1 document" },
        asyncapi: {
          href: "/api/v1/asyncapi.json",
          type: "application/json",
          title: "AsyncAPI 3.0 document of the real-time stock streams",
        },
        health: { href: "/healthz", type: "application/json", title: "Liveness" },
        readiness: { href: "/readyz", type: "application/json", title: "Readiness" },
      },
    },
  });

const common = {
  method: "get" as const,
  tags: ["System"],
  ...access("public"),
  description:
    "Links to the interactive reference, the OpenAPI and AsyncAPI documents and the health probes, so someone who opens the server's address finds their way.",
  responses: {
    200: jsonContent(ApiLinksSchema, "Where to find the API's documents."),
    ...problemResponses(),
  },
};

export const getServiceLinks = createRoute({
  ...common,
  path: "/",
  operationId: "getServiceLinks",
  summary: "The server's starting points",
});

export const getApiLinks = createRoute({
  ...common,
  path: "/api/v1",
  operationId: "getApiLinks",
  summary: "The API's starting points",
});
