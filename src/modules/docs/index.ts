import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import type { DocsAssetSource } from "../../deps.ts";
import { ProblemError } from "../../http/problem.ts";
import { isVendorFile, VENDOR_FILES } from "./asset-source.ts";
import { DOCS_CSP, docsFallbackHtml, docsPageHtml, OWN_FILES } from "./docs-page.ts";

export { apiLinksRouter } from "./api-links.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": DOCS_CSP,
  "Cache-Control": "no-cache",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

const assetNotFound = (path: string) => new ProblemError(404, `There is no docs asset at ${path}.`);

/**
 * `GET /docs`, the interactive API reference, and the files it loads under `/docs/assets/`: the page's
 * own (fingerprinted) and Swagger UI's from `source` (versioned), all cached as immutable. Not part of the
 * OpenAPI document: it is not API.
 */
export function createDocsRouter(source: DocsAssetSource | undefined) {
  const page = source ? docsPageHtml(source.version) : docsFallbackHtml();
  const gzipped = new Map<string, Promise<ArrayBuffer>>();

  /** The file's bytes, gzipped once and kept when the client takes gzip (the viewer is 1.7 MB raw). */
  const send = async (
    key: string,
    body: string | ArrayBuffer,
    type: string,
    acceptEncoding: string | undefined,
  ): Promise<Response> => {
    const headers: Record<string, string> = {
      "Content-Type": type,
      "Cache-Control": IMMUTABLE,
      "X-Content-Type-Options": "nosniff",
      Vary: "Accept-Encoding",
    };
    if (!acceptsGzip(acceptEncoding)) return new Response(body, { status: 200, headers });
    let compressed = gzipped.get(key);
    if (!compressed) {
      compressed = gzip(body);
      gzipped.set(key, compressed);
      compressed.catch(() => gzipped.delete(key));
    }
    return new Response(await compressed, {
      status: 200,
      headers: { ...headers, "Content-Encoding": "gzip" },
    });
  };

  return new Hono<AppEnv>()
    .get("/docs", (c) => c.body(page, 200, PAGE_HEADERS))
    .get("/docs/assets/swagger-ui/:version/:file", async (c) => {
      const { version, file } = c.req.param();
      if (!source || version !== source.version || !isVendorFile(file)) throw assetNotFound(c.req.path);
      const body = await source.read(file, c.env);
      if (body === null) throw assetNotFound(c.req.path);
      return send(`vendor/${file}`, body, VENDOR_FILES[file], c.req.header("Accept-Encoding"));
    })
    .get("/docs/assets/:file", (c) => {
      const file = c.req.param("file");
      const own = Object.hasOwn(OWN_FILES, file) ? OWN_FILES[file] : undefined;
      if (!own) throw assetNotFound(c.req.path);
      return send(`own/${file}`, own.body, own.type, c.req.header("Accept-Encoding"));
    });
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** CompressionStream is a Web API (Bun, Workers, browsers): no runtime-specific code here. */
async function gzip(body: string | ArrayBuffer): Promise<ArrayBuffer> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}
