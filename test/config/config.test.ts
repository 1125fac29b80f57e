/** Configuration is parsed once from the environment: documented defaults, one clear line per bad value. */
import { describe, expect, test } from "bun:test";
import { ConfigError, configSchema, parseConfig } from "../../src/config.ts";

/** Names a test case after its environment: `PORT=abc`. */
const named = <T extends unknown[]>(rows: [Record<string, string>, ...T][]) =>
  rows.map(([env, ...rest]) => [
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" "),
    env,
    ...rest,
  ]) as [string, Record<string, string>, ...T][];

/** The problems parseConfig reports for `env`, one line each. */
function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("defaults", () => {
  test("an empty environment gives the documented defaults", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      NODE_ENV: "development",
      PORT: 3000,
      HOST: "127.0.0.1",
      DATABASE_URL: "file:./data/angelshare.db",
      JWT_ISSUER: "angelshare",
      JWT_AUDIENCE: "angelshare-api",
      ACCESS_TOKEN_TTL: 15 * 60,
      REFRESH_TOKEN_TTL: 30 * 86400,
      CORS_ORIGINS: [],
      RATE_LIMIT_PER_MINUTE: 600,
      STOCK_STREAMS_PER_CLIENT: 100,
      STOCK_STREAMS_PER_ACCOUNT: 20,
      LOG_LEVEL: "info",
      SEED_DEMO: true,
    });
    expect(config.JWT_SECRET).toBeUndefined();
    expect(config.ADMIN_EMAIL).toBeUndefined();
    expect(config.DATABASE_AUTH_TOKEN).toBeUndefined();
  });

  test("an empty value counts as unset (a blank line copied from .env.example)", () => {
    expect(
      parseConfig({ PORT: "", DATABASE_URL: "", JWT_SECRET: "", RATE_LIMIT_PER_MINUTE: "" }),
    ).toMatchObject({
      PORT: 3000,
      DATABASE_URL: "file:./data/angelshare.db",
      RATE_LIMIT_PER_MINUTE: 600,
    });
  });

  test("every variable the schema knows is listed in .env.example", async () => {
    const example = await Bun.file(new URL("../../.env.example", import.meta.url)).text();
    const listed = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const missing = Object.keys(configSchema.shape).filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
  });

  test("the values in .env.example parse", async () => {
    const example = await Bun.file(new URL("../../.env.example", import.meta.url)).text();
    const env = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    expect(problems(env)).toEqual([]);
  });
});

describe("values that parse", () => {
  test.each([
    ["900", 900],
    ["15m", 900],
    ["12h", 43200],
    ["30d", 2592000],
    ["45s", 45],
  ])("a duration of %p is %i seconds", (value, seconds) => {
    expect(parseConfig({ ACCESS_TOKEN_TTL: value }).ACCESS_TOKEN_TTL).toBe(seconds);
  });

  test("CORS_ORIGINS is a comma-separated list of origins", () => {
    expect(parseConfig({ CORS_ORIGINS: "https://shop.example, http://localhost:5173" }).CORS_ORIGINS).toEqual(
      ["https://shop.example", "http://localhost:5173"],
    );
  });

  test.each([
    "file:/tmp/x.db",
    "libsql://shop-org.turso.io",
    "https://db.example",
    "ws://127.0.0.1:8080",
    ":memory:",
  ])("DATABASE_URL %p is a libSQL URL", (url) => {
    expect(parseConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
  });

  test("RATE_LIMIT_PER_MINUTE 0 turns the limit off", () => {
    expect(parseConfig({ RATE_LIMIT_PER_MINUTE: "0" }).RATE_LIMIT_PER_MINUTE).toBe(0);
  });

  test("the admin account needs both its e-mail and its password", () => {
    const config = parseConfig({
      ADMIN_EMAIL: "admin@shop.example",
      ADMIN_PASSWORD: "a long enough password",
    });
    expect(config.ADMIN_EMAIL).toBe("admin@shop.example");
  });
});

describe("one clear line per bad value", () => {
  test.each(
    named<[string]>([
      [{ PORT: "abc" }, "PORT: must be a whole number from 0 to 65535"],
      [{ PORT: "70000" }, "PORT: must be a whole number from 0 to 65535"],
      [{ PORT: "-1" }, "PORT: must be a whole number from 0 to 65535"],
      [{ PORT: "80.5" }, "PORT: must be a whole number from 0 to 65535"],
      [
        { DATABASE_URL: "postgres://db/shop" },
        "DATABASE_URL: must be a libSQL URL (file:, libsql:, https:, ws:)",
      ],
      [{ DATABASE_URL: "./data/x.db" }, "DATABASE_URL: must be a libSQL URL (file:, libsql:, https:, ws:)"],
      [{ JWT_SECRET: "too-short" }, "JWT_SECRET: must be at least 32 characters"],
      [
        { NODE_ENV: "production" },
        "JWT_SECRET: is required with NODE_ENV=production: set JWT_SECRET (32+ characters) or JWT_PRIVATE_KEY with JWT_PUBLIC_KEY",
      ],
      [
        { ADMIN_EMAIL: "admin@shop.example" },
        "ADMIN_PASSWORD: is required with ADMIN_EMAIL (the admin account needs both)",
      ],
      [
        { ADMIN_PASSWORD: "a long enough password" },
        "ADMIN_EMAIL: is required with ADMIN_PASSWORD (the admin account needs both)",
      ],
      [
        { ADMIN_EMAIL: "admin", ADMIN_PASSWORD: "a long enough password" },
        "ADMIN_EMAIL: must be an e-mail address",
      ],
      [
        { ADMIN_EMAIL: "admin@shop.example", ADMIN_PASSWORD: "short" },
        "ADMIN_PASSWORD: must be at least 12 characters",
      ],
      [
        { ACCESS_TOKEN_TTL: "15 minutes" },
        "ACCESS_TOKEN_TTL: must be a number of seconds or a number followed by s, m, h or d",
      ],
      [
        { REFRESH_TOKEN_TTL: "1w" },
        "REFRESH_TOKEN_TTL: must be a number of seconds or a number followed by s, m, h or d",
      ],
      [{ ACCESS_TOKEN_TTL: "0" }, "ACCESS_TOKEN_TTL: must be more than 0 seconds"],
      [
        { RATE_LIMIT_PER_MINUTE: "lots" },
        "RATE_LIMIT_PER_MINUTE: must be a whole number of requests (0 turns it off)",
      ],
      [
        { RATE_LIMIT_PER_MINUTE: "-1" },
        "RATE_LIMIT_PER_MINUTE: must be a whole number of requests (0 turns it off)",
      ],
      [
        { CORS_ORIGINS: "https://shop.example, shop.example" },
        'CORS_ORIGINS: "shop.example" is not an origin like https://shop.example (no path, no trailing /)',
      ],
      [
        { CORS_ORIGINS: "https://shop.example/" },
        'CORS_ORIGINS: "https://shop.example/" is not an origin like https://shop.example (no path, no trailing /)',
      ],
      [
        { JWT_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----" },
        "JWT_PUBLIC_KEY: is required with JWT_PRIVATE_KEY",
      ],
    ]),
  )("%s", (_name, env, line) => {
    expect(problems(env)).toEqual([line]);
  });

  test.each(
    named<[string, string[]]>([
      [{ LOG_LEVEL: "loud" }, "LOG_LEVEL:", ["debug", "silent"]],
      [{ NODE_ENV: "staging" }, "NODE_ENV:", ["development", "production"]],
      [{ SEED_DEMO: "yes" }, "SEED_DEMO:", ["true", "false"]],
    ]),
  )("%s names the allowed values", (_name, env, prefix, words) => {
    const [line, ...rest] = problems(env);
    expect(rest).toEqual([]);
    expect(line).toStartWith(prefix);
    for (const word of words) expect(line).toContain(word);
  });

  test("several bad values give one line each, and the error message lists them all", () => {
    const env = { PORT: "http", JWT_SECRET: "x", DATABASE_URL: "mysql://x", ACCESS_TOKEN_TTL: "soon" };
    const lines = problems(env);
    expect(lines.map((l) => l.split(":")[0]).sort()).toEqual([
      "ACCESS_TOKEN_TTL",
      "DATABASE_URL",
      "JWT_SECRET",
      "PORT",
    ]);
    let message = "";
    try {
      parseConfig(env);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split("\n")).toEqual(["Invalid configuration:", ...lines.map((l) => `  - ${l}`)]);
  });

  test("a bad secret's value is never echoed", () => {
    const secret = "not-long-enough-secret";
    expect(problems({ JWT_SECRET: secret }).join("\n")).not.toContain(secret);
    expect(problems({ ADMIN_EMAIL: "a@b.example", ADMIN_PASSWORD: "short-pw" }).join("\n")).not.toContain(
      "short-pw",
    );
  });
});
