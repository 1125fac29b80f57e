import { createRouter } from "../../http/openapi.ts";
import { getApiLinks, getServiceLinks } from "./api-links.routes.ts";
import { ASYNCAPI_URL, OPENAPI_URL } from "./docs-page.ts";

/** One body for both addresses: they differ only in who types which. */
const LINKS = {
  name: "Angel's Share API",
  apiBase: "/api/v1",
  links: {
    docs: { href: "/docs", type: "text/html", title: "Interactive API reference" },
    openapi: { href: OPENAPI_URL, type: "application/json", title: "OpenAPI 3.1 document" },
    asyncapi: {
      href: ASYNCAPI_URL,
      type: "application/json",
      title: "AsyncAPI 3.0 document of the real-time stock streams",
    },
    health: { href: "/healthz", type: "application/json", title: "Liveness" },
    readiness: { href: "/readyz", type: "application/json", title: "Readiness" },
  },
};

/** `GET /` and `GET /api/v1`: where a newcomer who opens the address goes next. */
export const apiLinksRouter = createRouter()
  .openapi(getServiceLinks, (c) => c.json(LINKS, 200))
  .openapi(getApiLinks, (c) => c.json(LINKS, 200));
