/**
 * What `wrangler deploy` would upload: wrangler's own bundler and config loader (not our esbuild build)
 * turn wrangler.toml and src/runtime/worker.ts into a Worker that starts in workerd, reads its secrets
 * reaches its database and its static assets (Swagger UI, copied by the [build] command). Run under Node.js 20 through wrangler's programmatic API (its CLI needs 22).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import swaggerUi from "swagger-ui-dist/package.json" with { type: "json" };
import { startHranaServer } from "../support/hrana-server.ts";
import { selectedTargets } from "../support/targets.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

const onWorker = selectedTargets(["worker"]).length ? describe : describe.skip;

onWorker("wrangler's bundle of the Worker", () => {
  let app: TestApp;
  let hrana: ReturnType<typeof startHranaServer>;
  beforeAll(async () => {
    app = await createTestApp();
    hrana = startHranaServer({
      path: app.deps.config.DATABASE_URL.slice("file:".length),
      authToken: "t0ken",
    });
  });
  afterAll(() => {
    hrana.close();
    app.close();
  });

  test("starts from wrangler.toml, takes its secrets from the environment and is ready", async () => {
    const root = join(import.meta.dir, "../..");
    const css = `/docs/assets/swagger-ui/${swaggerUi.version}/swagger-ui.css`;
    const run = Bun.spawn(
      ["node", "test/support/wrangler-dev.mjs", "/healthz", "/readyz", "/api/v1/nowhere", css],
      {
        cwd: root,
        env: {
          ...process.env,
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
          WRANGLER_SEND_METRICS: "false",
          DATABASE_URL: hrana.url,
          DATABASE_AUTH_TOKEN: "t0ken",
          JWT_SECRET: "wrangler-test-secret-that-is-long-enough",
        },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    // Asynchronous: the database answers from this process.
    const [code, out, err] = await Promise.all([
      run.exited,
      new Response(run.stdout).text(),
      new Response(run.stderr).text(),
    ]);
    expect(code, err).toBe(0);
    const answers = JSON.parse(out.trim().split("\n").pop()!) as {
      path: string;
      status: number;
      type: string;
      body: string;
    }[];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 200]);
    // The docs viewer's files come through the ASSETS binding that wrangler's [build] filled.
    expect(answers[3]!.type).toStartWith("text/css");
    expect(JSON.parse(answers[1]!.body)).toMatchObject({ status: "ready", database: "ok" });
  }, 60_000);
});
