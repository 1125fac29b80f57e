/**
 * Swagger UI embedded in the program through text imports (`with { type: "text" }`): Bun reads them at
 * import and esbuild (wrangler) inlines them as strings, so the page works with no internet and no file
 * system at run time. It costs about 485 KiB gzipped in a bundle, which is why the app takes it as a deps
 * field (`docsAssets`) instead of importing it: Bun and the tests pass this, a Worker may serve the same
 * files from its assets binding and keep its bundle small.
 */

import pkg from "swagger-ui-dist/package.json" with { type: "json" };
import css from "swagger-ui-dist/swagger-ui.css" with { type: "text" };
import bundle from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "text" };
import type { DocsAssetSource, DocsVendorFile as VendorFile } from "../../deps.ts";

const FILES: Record<VendorFile, string> = {
  "swagger-ui-bundle.js": bundle,
  // The stylesheet ends with a source-map comment for a file we do not serve: drop it, so dev tools do
  // not ask for it (a 404 in the console).
  "swagger-ui.css": css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, ""),
};

export const bundledSwaggerUi: DocsAssetSource = {
  version: pkg.version,
  async read(file) {
    return FILES[file] ?? null;
  },
};
