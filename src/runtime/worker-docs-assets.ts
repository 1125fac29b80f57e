/**
 * Swagger UI for the docs page on Workers, from the Worker's static assets (the ASSETS binding; the files
 * are copied there by scripts/copy-docs-assets.mjs when wrangler builds). On Bun the files are text
 * imports; here they would add about 485 KiB gzipped to a bundle that must stay under 1 MiB.
 */
import pkg from "swagger-ui-dist/package.json" with { type: "json" };
import type { DocsAssetSource } from "../deps.ts";

export const workerDocsAssets: DocsAssetSource = {
  version: pkg.version,
  async read(file, env) {
    const assets = (env as { ASSETS?: Fetcher } | undefined)?.ASSETS;
    if (!assets) return null;
    const res = await assets.fetch(new Request(`https://assets.invalid/${file}`));
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const text = await res.text();
    // As on Bun: the stylesheet's source-map comment names a file nobody serves.
    return file.endsWith(".css") ? text.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "") : text;
  },
};
