/**
 * `npm run token` and `npm start` on the embedded default, with no JWT_SECRET: both keep to the development
 * secret in the data directory, so a token the CLI mints is accepted by the server. Production refuses to
 * start without a secret. Real processes, as a newcomer runs them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;
const CLI = join(ROOT, "src/cli/token.ts");
const SERVER = join(ROOT, "src/runtime/bun.ts");

let dir: string;
let dataDir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "angelshare-dev-jwt-"));
  dataDir = join(dir, "data");
  env = {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: `file:${join(dataDir, "shop.db")}`,
    LOG_LEVEL: "silent",
    SEED_DEMO: "false",
    PORT: "0",
    RECOMMENDATIONS_REFRESH_INTERVAL: "0",
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(file: string, args: string[], extra: Record<string, string> = {}) {
  const proc = Bun.spawn([process.execPath, file, ...args], {
    env: { ...env, ...extra },
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
    // A server that starts when it should refuse would run on: end it, so the test fails instead of hanging.
    timeout: 20_000,
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout: stdout.trim(), stderr, code };
}

/** Starts the server as `npm start` does and answers its base URL once it listens. */
async function startServer(extra: Record<string, string> = {}) {
  const proc = Bun.spawn([process.execPath, SERVER], {
    env: { ...env, ...extra },
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let out = "";
  const deadline = Date.now() + 30_000;
  /** Reads the server's output until it says `pattern` (lines may come in several chunks). */
  const readUntil = async (pattern: RegExp) => {
    while (!pattern.test(out)) {
      if (Date.now() > deadline) throw new Error(`the server did not say ${pattern}:\n${out}`);
      const { value, done } = await reader.read();
      if (done) throw new Error(`the server exited:\n${out}\n${await new Response(proc.stderr).text()}`);
      out += decoder.decode(value);
    }
    return out;
  };
  await readUntil(/API on (http:\/\/\S+)\/api\/v1/);
  const base = out.match(/API on (http:\/\/\S+)\/api\/v1/)![1]!;
  return {
    base,
    readUntil,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

describe("the development JWT secret of the embedded default", () => {
  test("a token minted by the CLI is accepted by a server started without JWT_SECRET on the same data dir", async () => {
    const minted = await run(CLI, ["--role", "staff", "--email", "newcomer@example.com"]);
    expect(minted.code).toBe(0);
    expect(minted.stderr).not.toContain("WARNING");
    expect(minted.stderr).toContain(join(dataDir, "jwt-secret"));

    // Kept beside the database, readable by its owner only.
    const file = join(dataDir, "jwt-secret");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim().length).toBeGreaterThanOrEqual(32);

    const server = await startServer();
    try {
      expect(await server.readUntil(/JWT_SECRET is not set/)).toContain(`development secret in ${file}`);
      const me = await fetch(`${server.base}/api/v1/customers/me`, {
        headers: { Authorization: `Bearer ${minted.stdout}` },
      });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { email: string }).email).toBe("newcomer@example.com");
    } finally {
      await server.stop();
    }
    // And one minted after the server ran: the file is not made again.
    const second = await run(CLI, ["--role", "customer"]);
    expect(second.code).toBe(0);
    const again = await startServer();
    try {
      const me = await fetch(`${again.base}/api/v1/customers/me`, {
        headers: { Authorization: `Bearer ${second.stdout}` },
      });
      expect(me.status).toBe(200);
    } finally {
      await again.stop();
    }
  }, 60_000);

  test("production without a secret refuses to start, naming JWT_SECRET and JWT_PRIVATE_KEY", async () => {
    const prodData = join(dir, "prod");
    const started = await run(SERVER, [], {
      NODE_ENV: "production",
      DATABASE_URL: `file:${join(prodData, "shop.db")}`,
    });
    expect(started.code).not.toBe(0);
    expect(started.stderr).toContain("JWT_SECRET");
    expect(started.stderr).toContain("JWT_PRIVATE_KEY");
    expect(started.stdout).not.toContain("API on");
    // Nothing generated in its stead.
    expect(existsSync(join(prodData, "jwt-secret"))).toBe(false);

    const minted = await run(CLI, ["--role", "staff"], {
      NODE_ENV: "production",
      DATABASE_URL: `file:${join(prodData, "shop.db")}`,
    });
    expect(minted.code).toBe(1);
    expect(minted.stdout).toBe("");
    expect(minted.stderr).toContain("JWT_SECRET");
  }, 30_000);
});
