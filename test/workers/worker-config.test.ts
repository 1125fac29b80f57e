import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { CRON_EVERY_MINUTE, CRON_HOURLY, CRON_NIGHTLY, CRONS } from "../../src/runtime/worker-crons.ts";
import { openShop } from "../orders/shop.ts";
import { openTarget, selectedTargets, type Target } from "../support/targets.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { startWorkerRuntime, TEST_JWT_SECRET, wranglerConfig } from "../support/worker-runtime.ts";

const onWorker = selectedTargets(["worker"]).length ? describe : describe.skip;

describe("wrangler.toml", () => {
  const raw = wranglerConfig as unknown as Record<string, unknown> & {
    triggers: { crons: string[] };
    secrets: { required: string[] };
    migrations: { tag: string; new_sqlite_classes?: string[] }[];
  };

  test("each Durable Object binding has a new_sqlite_classes migration, each class in one tag", () => {
    expect(wranglerConfig.durable_objects.bindings).toEqual([
      { name: "SPIRIT_STOCK", class_name: "SpiritStockObject" },
      { name: "RATE_LIMITS", class_name: "RateLimitObject" },
      { name: "NOTIFICATION_SOCKETS", class_name: "NotificationSocketsObject" },
      { name: "RELEASE_QUEUES", class_name: "ReleaseQueueObject" },
    ]);
    expect(raw.migrations.map((m) => [m.tag, m.new_sqlite_classes])).toEqual([
      ["v1", ["SpiritStockObject"]],
      ["v2", ["RateLimitObject"]],
      ["v3", ["NotificationSocketsObject", "ReleaseQueueObject"]],
    ]);
  });

  test("the cron triggers are the ones the Worker's scheduled handler knows", () => {
    expect([...raw.triggers.crons].sort()).toEqual([...CRONS].sort());
  });

  test("secrets are named, never given", () => {
    expect([...raw.secrets.required].sort()).toEqual(["DATABASE_AUTH_TOKEN", "DATABASE_URL", "JWT_SECRET"]);
    for (const name of raw.secrets.required) expect(wranglerConfig.vars ?? {}).not.toHaveProperty(name);
  });

  test("the compatibility date is one the pinned workerd supports, without nodejs_compat", () => {
    const workerd = require("workerd") as { default?: string } | string;
    const binary = typeof workerd === "string" ? workerd : workerd.default!;
    const supported = /(\d{4}-\d{2}-\d{2})/.exec(execFileSync(binary, ["--version"]).toString())?.[1];
    expect(supported).toBeDefined();
    expect(wranglerConfig.compatibility_date <= supported!).toBe(true);
    expect(wranglerConfig.compatibility_flags ?? []).not.toContain("nodejs_compat");
  });
});

onWorker("the Worker checks its bindings and secrets", () => {
  let app: TestApp;
  let databasePath: string;
  beforeAll(async () => {
    app = await createTestApp();
    databasePath = app.deps.config.DATABASE_URL.slice("file:".length);
  });
  afterAll(() => app.close());

  async function answerWith(vars: Record<string, string>, options: { withoutBindings?: string[] } = {}) {
    const worker = await startWorkerRuntime({ databasePath, vars, ...options });
    try {
      const res = await worker.fetch("/healthz");
      const body = await res.text();
      const logged = worker.logs.map((l) => l.message).join("\n");
      return { status: res.status, type: res.headers.get("Content-Type"), body, logged };
    } finally {
      await worker.close();
    }
  }

  type Answer = Awaited<ReturnType<typeof answerWith>>;
  /** A problem for the caller; the log names the variable (the operator's clue). */
  const expectMisconfigured = (answer: Answer, variable: string) => {
    expect(answer.status).toBe(500);
    expect(answer.logged).toContain(`${variable}:`);
    expect(answer.type).toBe("application/problem+json");
    expect(JSON.parse(answer.body)).toMatchObject({ title: "Server misconfigured", status: 500 });
  };

  test("without JWT_SECRET every request is a problem, and no secret leaks", async () => {
    const answer = await answerWith({ JWT_SECRET: "" });
    expectMisconfigured(answer, "JWT_SECRET");
    expect(answer.body).not.toContain("hrana-test-token");
  });

  test("a file: DATABASE_URL is refused (a Worker has no disk)", async () => {
    expectMisconfigured(await answerWith({ DATABASE_URL: "file:./data/angelshare.db" }), "DATABASE_URL");
  });

  test("a JWT_SECRET that is too short is refused, and its value is not echoed", async () => {
    const answer = await answerWith({ JWT_SECRET: "short-secret-value" });
    expectMisconfigured(answer, "JWT_SECRET");
    expect(answer.body).not.toContain("short-secret-value");
    expect(answer.logged).not.toContain("short-secret-value");
  });

  test("without the SPIRIT_STOCK Durable Object binding the Worker refuses to serve", async () => {
    expectMisconfigured(await answerWith({}, { withoutBindings: ["SPIRIT_STOCK"] }), "SPIRIT_STOCK");
  });

  test("without the RATE_LIMITS binding too (each isolate counting alone is not a quiet fallback)", async () => {
    const answer = await answerWith({}, { withoutBindings: ["RATE_LIMITS"] });
    expectMisconfigured(answer, "RATE_LIMITS");
    expect(answer.logged).toContain("RateLimitObject");
  });

  test("the database token is sent: a wrong one makes readiness fail, not a 500", async () => {
    const worker = await startWorkerRuntime({ databasePath, vars: { DATABASE_AUTH_TOKEN: "wrong" } });
    try {
      const res = await worker.fetch("/readyz");
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "not_ready", database: "unreachable" });
    } finally {
      await worker.close();
    }
  });

  test("a valid configuration serves", async () => {
    const answer = await answerWith({ JWT_SECRET: TEST_JWT_SECRET });
    expect(answer.status).toBe(200);
  });
});

onWorker("the Worker's cron triggers", () => {
  let t: Target;
  beforeAll(async () => {
    t = await openTarget("worker");
  });
  afterAll(() => t.close());

  test("every minute: a lapsed hold goes back on sale and its order is marked expired", async () => {
    const shop = await openShop(t);
    const s = await shop.spirit();
    await shop.receive(s, 3);
    const c = await shop.customer();
    const order = (await (await shop.order(c, [{ spiritId: s, quantity: 2 }])).json()) as { id: string };
    // Time passes for this order only: its hold lapsed a minute ago (the object's alarm is set for later).
    const past = new Date(Date.now() - 60_000).toISOString();
    await t.deps.client.batch(
      [
        { sql: "UPDATE stock_holds SET expires_at = ? WHERE order_id = ?", args: [past, order.id] },
        { sql: "UPDATE orders SET expires_at = ? WHERE id = ?", args: [past, order.id] },
      ],
      "write",
    );
    await t.worker!.runCron(CRON_EVERY_MINUTE);
    const inv = await shop.inventory(s);
    expect(inv.levels![0]).toMatchObject({ onHand: 3, reserved: 0 });
    const res = await t.call("GET", `/api/v1/orders/${order.id}`, { headers: c.headers });
    expect(((await res.json()) as { status: string }).status).toBe("expired");
    const rows = await t.deps.client.execute({
      sql: "SELECT status FROM stock_holds WHERE order_id = ?",
      args: [order.id],
    });
    expect(rows.rows.map((r) => r.status)).toEqual(["expired"]);
  });

  test("hourly: idempotency keys older than a day are purged, newer ones stay", async () => {
    const insert =
      "INSERT INTO idempotency_keys (key, scope, request_hash, status, body, created_at) VALUES (?, 'test', 'h', 201, '{}', ?)";
    const dayAndMore = new Date(Date.now() - 25 * 3600_000).toISOString();
    await t.deps.client.batch(
      [
        { sql: insert, args: ["old", dayAndMore] },
        { sql: insert, args: ["new", new Date().toISOString()] },
      ],
      "write",
    );
    await t.worker!.runCron(CRON_HOURLY);
    const left = await t.deps.client.execute("SELECT key FROM idempotency_keys WHERE scope = 'test'");
    expect(left.rows.map((r) => r.key)).toEqual(["new"]);
  });

  test("nightly: the stock audit runs and is recorded as scheduled", async () => {
    await t.worker!.runCron(CRON_NIGHTLY);
    const staff = await t.signIn("staff");
    const res = await t.call("GET", "/api/v1/inventory/audits", { headers: staff.headers });
    const audits = (await res.json()) as { items: { trigger: string; clean: boolean }[] };
    expect(audits.items[0]).toMatchObject({ trigger: "scheduled", clean: true });
    // And a provenance checkpoint is signed with the configured key.
    const checkpoints = (await (await t.call("GET", "/api/v1/provenance/checkpoints")).json()) as {
      items: unknown[];
    };
    expect(checkpoints.items.length).toBeGreaterThan(0);
  });
});
