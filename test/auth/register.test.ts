import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { count, eq } from "drizzle-orm";
import { accounts, customers } from "../../src/db/schema/accounts.ts";
import { createAuthTestApp, PASSWORD } from "./support.ts";

type T = Awaited<ReturnType<typeof createAuthTestApp>>;
let t: T;
beforeEach(async () => {
  t = await createAuthTestApp();
});
afterEach(() => t.close());

const register = (body: unknown, client = "client-a") =>
  t.call("POST", "/api/v1/auth/register", { body, headers: { "X-Test-Client": client } });
const login = (email: string, password: string) =>
  t.call("POST", "/api/v1/auth/login", { body: { email, password } });
const accountCount = async () => (await t.deps.db.select({ n: count() }).from(accounts))[0]!.n;

describe("POST /auth/register", () => {
  test("creates a customer account that can sign in, and welcomes the address", async () => {
    const res = await register({ email: "ada@example.com", password: PASSWORD, name: "Ada Lovelace" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      status: "accepted",
      message: "If this e-mail can be registered, its account is ready: sign in with it.",
    });
    const signedIn = await login("ada@example.com", PASSWORD);
    expect(signedIn.status).toBe(200);
    const body = await signedIn.json();
    expect(body.account).toMatchObject({ email: "ada@example.com", role: "customer" });
    const profile = await t.deps.db.query.customers.findFirst({ where: eq(customers.id, body.account.id) });
    expect(profile?.name).toBe("Ada Lovelace");
    expect(t.mailbox.sent).toEqual([
      expect.objectContaining({ to: "ada@example.com", subject: "Welcome to Angel's Share" }),
    ]);
  });

  test("stores only an argon2id hash that names its algorithm", async () => {
    await register({ email: "ada@example.com", password: PASSWORD });
    const row = await t.deps.db.query.accounts.findFirst({ where: eq(accounts.email, "ada@example.com") });
    expect(row?.passwordHash).toStartWith("$argon2id$");
    expect(row?.passwordHash).not.toContain(PASSWORD);
  });

  test("an e-mail that is registered gets the very same answer, changes nothing, and its owner is told", async () => {
    const first = await register({ email: "ada@example.com", password: PASSWORD, name: "Ada" });
    const firstBody = await first.text();
    const before = await accountCount();

    // Another password, another name, another case: still the same account, left alone.
    const again = await register({
      email: "ADA@Example.com",
      password: "another long password 42",
      name: "Mallory",
    });
    expect(again.status).toBe(first.status);
    expect(await again.text()).toBe(firstBody);
    expect(again.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));

    expect(await accountCount()).toBe(before);
    expect((await login("ada@example.com", PASSWORD)).status).toBe(200);
    expect((await login("ada@example.com", "another long password 42")).status).toBe(401);
    const profile = await t.deps.db.select({ name: customers.name }).from(customers);
    expect(profile).toEqual([{ name: "Ada" }]);

    expect(t.mailbox.sent.map((m) => [m.to, m.subject])).toEqual([
      ["ada@example.com", "Welcome to Angel's Share"],
      ["ada@example.com", "Someone tried to register with your e-mail address"],
    ]);
  });

  test("a failing mailer changes neither the answer nor the outcome", async () => {
    t.mailbox.send = async () => {
      throw new Error("SMTP down");
    };
    const res = await register({ email: "bea@example.com", password: PASSWORD });
    expect(res.status).toBe(202);
    expect((await login("bea@example.com", PASSWORD)).status).toBe(200);
  });

  test("cannot choose a role or any other field", async () => {
    const res = await register({ email: "eve@example.com", password: PASSWORD, role: "admin" });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.errors).toEqual([{ path: "(root)", message: 'unknown field "role"' }]);
    expect(await accountCount()).toBe(0);
  });

  test.each([
    [
      "a password under 12 characters",
      { email: "a@example.com", password: "short-pass1" },
      "password",
      "at least 12",
    ],
    [
      "a password over 256 characters",
      { email: "a@example.com", password: "x".repeat(257) },
      "password",
      "at most 256",
    ],
    ["no password", { email: "a@example.com" }, "password", "is required"],
    ["a malformed e-mail", { email: "not-an-email", password: PASSWORD }, "email", "e-mail address"],
    ["no e-mail", { password: PASSWORD }, "email", "is required"],
    ["a name that is not text", { email: "a@example.com", password: PASSWORD, name: 7 }, "name", "text"],
  ])("refuses %s with 422 and creates nothing", async (_what, body, path, message) => {
    const res = await register(body);
    expect(res.status).toBe(422);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const problem = await res.json();
    expect(problem.errors).toContainEqual({ path, message: expect.stringContaining(message) });
    expect(await accountCount()).toBe(0);
  });

  test("a 12-character and a 256-character password are both fine", async () => {
    expect((await register({ email: "b@example.com", password: "x".repeat(12) })).status).toBe(202);
    expect((await register({ email: "c@example.com", password: "y".repeat(256) })).status).toBe(202);
    expect((await login("c@example.com", "y".repeat(256))).status).toBe(200);
  });

  test("is limited per client: the 11th registration in 15 minutes is a 429 with Retry-After", async () => {
    for (let i = 0; i < 10; i++) {
      expect((await register({ email: `u${i}@example.com`, password: PASSWORD })).status).toBe(202);
    }
    const refused = await register({ email: "u10@example.com", password: PASSWORD });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("Retry-After"))).toBeLessThanOrEqual(900);
    expect((await refused.json()).type).toContain("too-many-attempts");
    expect(
      await t.deps.db.query.accounts.findFirst({ where: eq(accounts.email, "u10@example.com") }),
    ).toBeUndefined();

    // Another client is not held back; this one may go on once the window has passed.
    expect((await register({ email: "v@example.com", password: PASSWORD }, "client-b")).status).toBe(202);
    t.clock.advance(15 * 60_000 + 1000);
    expect((await register({ email: "u10@example.com", password: PASSWORD })).status).toBe(202);
  });
});
