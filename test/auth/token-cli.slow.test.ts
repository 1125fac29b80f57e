import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

const SECRET = "cli-test-secret-that-is-long-enough-012345";
const CLI = new URL("../../src/cli/token.ts", import.meta.url).pathname;

let dir: string;
let databaseUrl: string;

/** Runs the command as `npm run token` would, with only the environment given. */
async function token(args: string[], env: Record<string, string> = { JWT_SECRET: SECRET }) {
  const proc = Bun.spawn([process.execPath, CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout: stdout.trim(), stderr, code };
}

/** An app over the database the command wrote to, with the same secret and real time, as the server would be. */
async function serverApp(): Promise<TestApp> {
  return createTestApp({
    clock: new TestClock(new Date()),
    env: { DATABASE_URL: databaseUrl, JWT_SECRET: SECRET },
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "angelshare-token-cli-"));
  databaseUrl = `file:${join(dir, "cli.db")}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run token", () => {
  test("creates a staff account in a fresh database and prints a token the server accepts", async () => {
    const run = await token(["--role", "staff", "--email", "dev-staff@example.com"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(run.stderr).toContain("Created staff account");
    expect(run.stderr).not.toContain("WARNING");
    expect(decodeJwt(run.stdout)).toMatchObject({ role: "staff", email: "dev-staff@example.com" });

    const t = await serverApp();
    try {
      const headers = { Authorization: `Bearer ${run.stdout}` };
      const me = await t.call("GET", "/api/v1/customers/me", { headers });
      expect(me.status).toBe(200);
      expect((await me.json()).email).toBe("dev-staff@example.com");
      // Staff: may read any customer, may not manage accounts.
      expect((await t.call("GET", "/api/v1/accounts", { headers })).status).toBe(403);
    } finally {
      t.close();
    }
  });

  test("finds the account on a second run, and an admin token manages accounts", async () => {
    const again = await token(["--role", "staff", "--email", "dev-staff@example.com"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Found staff account");

    const admin = await token(["--role", "admin"]);
    expect(admin.code).toBe(0);
    const t = await serverApp();
    try {
      const res = await t.call("GET", "/api/v1/accounts?role=staff", {
        headers: { Authorization: `Bearer ${admin.stdout}` },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).items.map((a: { email: string }) => a.email)).toEqual([
        "dev-staff@example.com",
      ]);
    } finally {
      t.close();
    }
  });

  test("--ttl sets the token's lifetime", async () => {
    const run = await token(["--role", "customer", "--ttl", "2h"]);
    expect(run.code).toBe(0);
    const claims = decodeJwt(run.stdout);
    expect(claims.exp! - claims.iat!).toBe(7200);
  });

  test("warns clearly when JWT_SECRET is not set and there is no data directory to keep one in", async () => {
    const run = await token(["--role", "customer", "--email", "nosecret@example.com"], {
      DATABASE_URL: ":memory:",
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("WARNING: JWT_SECRET is not set");
    const t = await serverApp();
    try {
      const me = await t.call("GET", "/api/v1/customers/me", {
        headers: { Authorization: `Bearer ${run.stdout}` },
      });
      expect(me.status).toBe(401);
    } finally {
      t.close();
    }
  });

  test.each([
    ["no role", []],
    ["an unknown role", ["--role", "owner"]],
    ["a bad e-mail", ["--role", "staff", "--email", "nope"]],
    ["a bad ttl", ["--role", "staff", "--ttl", "soon"]],
    ["an e-mail that has another role", ["--role", "admin", "--email", "dev-staff@example.com"]],
  ])("refuses %s with a message and exit code 1, printing no token", async (_what, args) => {
    const run = await token(args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.length).toBeGreaterThan(10);
  });
});
