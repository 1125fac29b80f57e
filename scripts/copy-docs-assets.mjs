// Copies the two Swagger UI files the docs page loads into the Worker's static-assets directory
// (wrangler.toml [assets], dist/docs-assets by default). Plain Node.js with no dependencies, because
// wrangler runs it as the [build] command before every `wrangler deploy`. The Worker reads the files
// through its ASSETS binding (src/runtime/worker-docs-assets.ts), so they never weigh on its bundle.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = process.argv[2] ?? join(root, "dist/docs-assets");
const dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
mkdirSync(out, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"])
  copyFileSync(join(dist, file), join(out, file));
