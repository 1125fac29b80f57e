// Run by Node.js (not Bun: wrangler's local server needs Node) from test/workers/wrangler-bundle.test.ts.
// Bundles the Worker with wrangler's own bundler and wrangler.toml, as `wrangler deploy` would, starts it
// in local workerd, asks it the paths given as arguments and prints the answers as one JSON line.
// The secrets come from the environment (DATABASE_URL, DATABASE_AUTH_TOKEN, JWT_SECRET).
import { unstable_startWorker } from "wrangler";

const worker = await unstable_startWorker({
  config: "wrangler.toml",
  bindings: { LOG_LEVEL: { type: "plain_text", value: "silent" } },
  dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, persist: false, logLevel: "error" },
});
try {
  await worker.ready;
  const answers = [];
  for (const path of process.argv.slice(2)) {
    const res = await worker.fetch(`http://localhost${path}`);
    const type = res.headers.get("content-type") ?? "";
    const body = type.includes("json") ? await res.text() : `${(await res.arrayBuffer()).byteLength} bytes`;
    answers.push({ path, status: res.status, type, body });
  }
  console.log(JSON.stringify(answers));
} finally {
  await worker.dispose();
}
