/**
 * The docs page and its own small files. Everything is served from this origin and the page runs no
 * inline script or style, so its Content-Security-Policy can allow only 'self' (plus `data:` images, which
 * Swagger UI's stylesheet uses for its icons and which never leave the machine).
 */

export const OPENAPI_URL = "/api/v1/openapi.json";
export const ASYNCAPI_URL = "/api/v1/asyncapi.json";
export const ASSETS_PATH = "/docs/assets";

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Starts Swagger UI on the page; a separate file because the CSP forbids inline scripts. */
const INIT_JS = `"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (typeof window.SwaggerUIBundle !== "function") {
    root.textContent = "The interactive viewer could not load. The OpenAPI document is linked above.";
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    filter: true,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
    persistAuthorization: false,
    // Never send the document to validator.swagger.io: the page must not reach off this machine.
    validatorUrl: null,
    // A ?url= in the address bar must not point the page at someone else's document.
    queryConfigEnabled: false
  });
})();
`;

const PAGE_CSS = `body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #fafafa; }
.docs-header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.5rem; padding: 0.9rem 1.5rem;
  background: #3b2314; color: #f6e7d2; }
.docs-header h1 { margin: 0; font-size: 1.2rem; font-weight: 600; }
.docs-header nav { display: flex; flex-wrap: wrap; gap: 1rem; }
.docs-header a { color: #f2c47f; text-decoration: none; }
.docs-header a:hover, .docs-header a:focus { text-decoration: underline; }
.docs-fallback { max-width: 46rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; }
`;

/** A tumbler glass, so the browser does not ask for /favicon.ico (a 404 in the console). */
const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M6 5h20l-2.4 22H8.4z" fill="#f6e7d2" stroke="#3b2314" stroke-width="2"/><path d="M8.2 17h15.6l-1 9H9.2z" fill="#c9782b"/></svg>`;

/** FNV-1a: a short, stable fingerprint of a file, put in its URL so it can be cached as immutable. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/** The page's own files by their fingerprinted names. */
export const OWN_FILES = Object.fromEntries(
  [
    ["docs", "js", INIT_JS, "text/javascript; charset=utf-8"],
    ["docs", "css", PAGE_CSS, "text/css; charset=utf-8"],
    ["favicon", "svg", FAVICON_SVG, "image/svg+xml"],
  ].map(([name, ext, body, type]) => [`${name}.${fingerprint(body!)}.${ext}`, { body: body!, type: type! }]),
) as Record<string, { body: string; type: string }>;

const own = (name: string, ext: string) => {
  const file = Object.keys(OWN_FILES).find((n) => n.startsWith(`${name}.`) && n.endsWith(`.${ext}`));
  return `${ASSETS_PATH}/${file}`;
};

export const vendorPath = (version: string, file: string) => `${ASSETS_PATH}/swagger-ui/${version}/${file}`;

const header = `<header class="docs-header">
  <h1>Angel's Share API reference</h1>
  <nav aria-label="Machine-readable documents">
    <a href="${OPENAPI_URL}">OpenAPI 3.1 document (JSON)</a>
    <a href="${ASYNCAPI_URL}">AsyncAPI document: real-time stock (JSON)</a>
  </nav>
</header>`;

const head = (extra: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Angel's Share API reference</title>
<link rel="icon" type="image/svg+xml" href="${own("favicon", "svg")}">
${extra}<link rel="stylesheet" href="${own("docs", "css")}">
</head>`;

/** The page with the interactive viewer, for the given Swagger UI version. */
export function docsPageHtml(version: string): string {
  return `${head(`<link rel="stylesheet" href="${vendorPath(version, "swagger-ui.css")}">\n`)}
<body>
${header}
<noscript><p class="docs-fallback">The interactive reference needs JavaScript; the OpenAPI document above has it all.</p></noscript>
<main id="swagger-ui" data-openapi-url="${OPENAPI_URL}"></main>
<script src="${vendorPath(version, "swagger-ui-bundle.js")}"></script>
<script src="${own("docs", "js")}"></script>
</body>
</html>
`;
}

/** The page when this deployment serves no viewer files: the documents are still one click away. */
export function docsFallbackHtml(): string {
  return `${head("")}
<body>
${header}
<main class="docs-fallback">
<p>This deployment does not serve the interactive viewer. Load the OpenAPI document above into any
OpenAPI tool (Swagger UI, Redoc, Postman, or a generator such as openapi-typescript).</p>
</main>
</body>
</html>
`;
}
