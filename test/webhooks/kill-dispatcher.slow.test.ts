/**
 * The dispatcher killed for real: the Bun server (src/runtime/bun.ts, a spawned process) dispatches the
 * outbox and sends webhooks to a receiver that holds its answers, and is killed with SIGKILL while requests
 * are in flight, three times at different points; a new server over the same database finishes the work.
 * The receiver de-duplicates by `webhook-id`, as Standard Webhooks asks: it must end with every event
 * exactly once (nothing lost, nothing new under another id), each redelivery byte-for-byte the first.
 *
 * A dead sender's claims lapse after their lease (90 s for a page of 64): the test fast-forwards that
 * lease in the database rather than wait for it, which is all that waiting would do.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { Webhook } from "standardwebhooks";
import { openShop, type Shop, type ShopHost } from "../orders/shop.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";
import { waitFor } from "../support/wait-for.ts";

const SERVER = new URL("../../src/runtime/bun.ts", import.meta.url).pathname;
const EVENTS = 24;

let app: TestApp;
let base = "";
let server: Subprocess<"ignore", "pipe", "pipe"> | undefined;

/** A receiver that keeps each webhook-id once and answers only when `release` is called (or at once). */
function holdingReceiver(secret: () => string) {
  const requests: { id: string; body: string }[] = [];
  const unique = new Map<string, string>();
  let holding = true;
  let waiters: (() => void)[] = [];
  const srv = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = await req.text();
      const headers = Object.fromEntries(req.headers);
      new Webhook(secret()).verify(body, headers);
      const id = headers["webhook-id"]!;
      requests.push({ id, body });
      if (holding) await new Promise<void>((resolve) => waiters.push(resolve));
      if (!unique.has(id)) unique.set(id, body);
      return new Response(null, { status: 204 });
    },
  });
  return {
    url: `http://127.0.0.1:${srv.port}/hooks`,
    requests,
    unique,
    /** Answers what is held; with `hold` false, answers everything from now on at once. */
    release(hold = true) {
      holding = hold;
      for (const w of waiters) w();
      waiters = [];
    },
    stop: () => srv.stop(true),
  };
}

async function startServer() {
  const proc = Bun.spawn([process.execPath, SERVER], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      DATABASE_URL: app.deps.config.DATABASE_URL,
      JWT_SECRET: app.deps.config.JWT_SECRET!,
      PROVENANCE_SIGNING_KEY: app.deps.config.PROVENANCE_SIGNING_KEY ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "silent",
      SEED_DEMO: "false",
      SEED_GENERATED_SPIRITS: "0",
      RATE_LIMIT_PER_MINUTE: "0",
      EVENTS_DISPATCH_INTERVAL_MS: "20",
      WEBHOOKS_ALLOW_PRIVATE_URLS: "true",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  let out = "";
  const deadline = Date.now() + 20_000;
  while (!/API on (http:\/\/\S+)\/api\/v1/.test(out)) {
    const { value, done } = await reader.read();
    if (done || Date.now() > deadline) {
      throw new Error(`server did not start: ${out}${await new Response(proc.stderr).text()}`);
    }
    out += new TextDecoder().decode(value);
  }
  // Keep draining the pipes so the server never blocks on a full one.
  void (async () => {
    while (!(await reader.read()).done);
  })();
  void new Response(proc.stderr).text();
  server = proc;
  base = out.match(/API on (http:\/\/\S+)\/api\/v1/)![1]!;
}

async function killServer() {
  server!.kill("SIGKILL");
  expect(await server!.exited).not.toBe(0);
  server = undefined;
}

/** What waiting out a dead sender's lease would do. */
const lapseLeases = () =>
  app.deps.client.execute({
    sql: "UPDATE webhook_deliveries SET locked_until = ? WHERE locked_until IS NOT NULL",
    args: [new Date().toISOString()],
  });

let shop: Shop;
let secret = "";
let endpointId = "";
const receiver = holdingReceiver(() => secret);

beforeAll(async () => {
  // Real time: the receiver checks webhook-timestamp; this app only migrates, signs in and reads.
  app = await createTestApp({ clock: new TestClock(new Date()) });
  await startServer();
  // The shop's calls go to whichever server is running, over HTTP.
  const host: ShopHost = {
    signIn: app.signIn,
    deps: app.deps,
    call: (method, path, init = {}) =>
      fetch(`${base}${path}`, {
        method,
        headers: { "Content-Type": "application/json", ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }),
  };
  shop = await openShop(host);
  const res = await host.call("POST", "/api/v1/webhooks/endpoints", {
    headers: shop.staff.headers,
    body: { url: receiver.url, eventTypes: ["spirit.created"] },
  });
  expect(res.status).toBe(201);
  ({ id: endpointId, secret } = (await res.json()) as { id: string; secret: string });
}, 30_000);

afterAll(async () => {
  server?.kill("SIGKILL");
  await server?.exited;
  receiver.stop();
  app.close();
});

test("SIGKILL mid-delivery, three times: a receiver keeping webhook-ids gets every event exactly once", async () => {
  const spirits: string[] = [];
  for (let i = 0; i < EVENTS; i++) spirits.push(await shop.spirit());

  // 1: killed with requests in flight (the receiver has them and has not answered).
  await waitFor(() => receiver.requests.length > 0, { timeoutMs: 10_000 });
  await killServer();
  receiver.release();
  const inFlight = receiver.requests.length;

  // 2: a new server retries what was in flight (same ids); killed after the receiver answered some of
  // them, before the server can have recorded the answers.
  await lapseLeases();
  await startServer();
  await waitFor(() => receiver.requests.length > inFlight, { timeoutMs: 10_000 });
  await Bun.sleep(20);
  receiver.release();
  await killServer();

  // 3: killed at an arbitrary moment while it answers at once.
  await lapseLeases();
  receiver.release(false);
  await startServer();
  await Bun.sleep(15 + Math.floor(Math.random() * 60));
  await killServer();

  // Then one that is left to finish.
  await lapseLeases();
  await startServer();
  const created = await app.deps.client.execute({
    sql: `SELECT id FROM outbox_events WHERE type = 'spirit.created' AND subject IN (${spirits.map(() => "?").join(", ")})`,
    args: spirits,
  });
  const ids = created.rows.map((r) => String(r.id));
  expect(ids).toHaveLength(EVENTS);
  await waitFor(() => ids.every((id) => receiver.unique.has(id)), { timeoutMs: 20_000 });
  await Bun.sleep(200);

  // Nothing lost, nothing extra: the de-duplicated set is exactly the events.
  expect([...receiver.unique.keys()].sort()).toEqual([...ids].sort());
  // Some were delivered more than once, always under the same id with the same body.
  expect(receiver.requests.length).toBeGreaterThan(EVENTS);
  for (const r of receiver.requests) expect(r.body).toBe(receiver.unique.get(r.id)!);
  // The log: every delivery delivered, by exactly one recorded successful attempt.
  const log = await app.deps.client.execute({
    sql: `SELECT d.event_id, d.status, (SELECT COUNT(*) FROM webhook_attempts a WHERE a.delivery_id = d.id AND a.ok = 1) AS oks
          FROM webhook_deliveries d WHERE d.endpoint_id = ?`,
    args: [endpointId],
  });
  expect(log.rows).toHaveLength(EVENTS);
  for (const row of log.rows)
    expect({ status: row.status, oks: Number(row.oks) }).toEqual({ status: "delivered", oks: 1 });
}, 90_000);
