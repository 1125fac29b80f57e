/**
 * Where the docs page's viewer (Swagger UI) comes from. The files are large (about 1.9 MB, 485 KiB
 * gzipped), so the app does not import them itself: a Cloudflare Worker has a 1 MiB gzipped budget for
 * its whole bundle and can serve them from its static-assets binding instead, while Bun and the tests
 * hand in `bundledSwaggerUi` (text imports, see bundled-swagger-ui.ts). Without a source the page still
 * answers, with links to the OpenAPI and AsyncAPI documents.
 */
export interface DocsAssetSource {
  /** The Swagger UI version: part of every asset URL, so the files can be cached as immutable. */
  readonly version: string;
  /** The file's content, or null when this source does not have it; `env` is the runtime's bindings. */
  read(file: VendorFile, env: unknown): Promise<string | ArrayBuffer | null>;
}

/** The files of swagger-ui-dist the page loads, with their content types. */
export const VENDOR_FILES = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
} as const;

export type VendorFile = keyof typeof VENDOR_FILES;

export const isVendorFile = (name: string): name is VendorFile => Object.hasOwn(VENDOR_FILES, name);
