/**
 * `npm run build:worker`: bundles src/runtime/worker.ts for workerd with esbuild, as wrangler would
 * (conditions workerd/worker/browser, ESM, `cloudflare:*` left to the runtime), and prints its size.
 * Fails when the bundle reaches 1 MiB gzipped (the Workers free-plan limit), or when anything in it needs
 * a Node.js or Bun module: the Worker runs without `nodejs_compat`.
 *
 * The Worker tests (test/workers/) run this same bundle in local workerd.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";

export const ROOT = join(import.meta.dir, "..");
export const WORKER_ENTRY = join(ROOT, "src/runtime/worker.ts");
export const GZIP_LIMIT = 1024 * 1024;

export type WorkerBundle = {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** What the bundle leaves to the runtime to provide (only `cloudflare:` modules). */
  externalImports: string[];
};

/** `plugins` lets a benchmark build the same bundle with one module swapped (bench/seams-libs.ts). */
export async function buildWorker(
  outfile = join(ROOT, "dist/worker/index.js"),
  plugins: Plugin[] = [],
): Promise<WorkerBundle> {
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [WORKER_ENTRY],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2023",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    // node:async_hooks is AsyncLocalStorage (the nodejs_als flag, not nodejs_compat): request traces.
    external: ["cloudflare:*", "node:async_hooks"],
    minify: true,
    keepNames: true,
    sourcemap: "external",
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
    metafile: true,
    plugins,
  });
  const code = await Bun.file(outfile).bytes();
  const externalImports = Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external)
    .map((i) => i.path);
  return {
    path: outfile,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    externalImports: [...new Set(externalImports)],
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

if (import.meta.main) {
  try {
    const bundle = await buildWorker();
    const share = ((bundle.gzipBytes / GZIP_LIMIT) * 100).toFixed(1);
    console.log(
      `${relative(ROOT, bundle.path)}: ${kib(bundle.bytes)}, ${kib(bundle.gzipBytes)} gzipped (${share}% of the 1 MiB limit)`,
    );
    if (bundle.gzipBytes >= GZIP_LIMIT) {
      console.error("The Worker bundle is over 1 MiB gzipped.");
      process.exit(1);
    }
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    if (errors?.length) {
      for (const e of errors)
        console.error(`${e.location ? `${e.location.file}:${e.location.line}: ` : ""}${e.text}`);
    } else console.error(err);
    process.exit(1);
  }
}
