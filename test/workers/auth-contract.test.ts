/**
 * Signing in, one suite on both targets, and what changes on Workers: passwords. A Worker hashes and
 * verifies PBKDF2 with WebCrypto; it cannot verify argon2id (Bun's default), says so in its log, and a Bun
 * server reads the Worker's hashes.
 */
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accounts } from "../../src/db/schema/accounts.ts";
import { createBunPasswords } from "../../src/runtime/bun-passwords.ts";
import { describeTargets, type Target } from "../support/targets.ts";
import { waitFor } from "../support/wait-for.ts";

const PASSWORD = "correct horse battery staple";
let n = 0;
const freshEmail = () => `ada-${++n}-${Date.now()}@example.com`;

async function register(t: Target, email: string, password = PASSWORD) {
  const res = await t.call("POST", "/api/v1/auth/register", { body: { email, password } });
  expect(res.status).toBe(202);
}
const login = (t: Target, email: string, password = PASSWORD) =>
  t.call("POST", "/api/v1/auth/login", { body: { email, password } });

describeTargets("signing in", (t) => {
  test("register, log in, then the token reaches the caller's own customer", async () => {
    const email = freshEmail();
    await register(t, email);
    const res = await login(t, email);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ tokenType: "Bearer", account: { email, role: "customer" } });
    const me = await t.call("GET", "/api/v1/customers/me", {
      headers: { Authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect((await me.json()).id).toBe(body.account.id);
  });

  test("a wrong password and an unknown e-mail are the very same 401", async () => {
    const email = freshEmail();
    await register(t, email);
    const wrong = await login(t, email, "not the right password");
    const unknown = await login(t, freshEmail());
    expect(wrong.status).toBe(401);
    const strip = async (r: Response) => {
      const { requestId: _, ...rest } = await r.json();
      return rest;
    };
    expect(await strip(unknown)).toEqual(await strip(wrong));
  });

  test("the refresh token rotates, and a used one is refused", async () => {
    const email = freshEmail();
    await register(t, email);
    const session = await (await login(t, email)).json();
    const refresh = (refreshToken: string) =>
      t.call("POST", "/api/v1/auth/refresh", { body: { refreshToken } });
    const next = await refresh(session.refreshToken);
    expect(next.status).toBe(200);
    expect((await next.json()).refreshToken).not.toBe(session.refreshToken);
    expect((await refresh(session.refreshToken)).status).toBe(401);
  });

  test("an account made on the other side of the database signs in here", async () => {
    const email = freshEmail();
    // Made in-process (the Bun side): argon2id on the Bun target, PBKDF2 for the Worker target.
    await t.services.accounts.createAccount({ email, password: PASSWORD, role: "staff", name: "Sam" });
    const res = await login(t, email);
    expect(res.status).toBe(200);
    expect((await res.json()).account.role).toBe("staff");
  });
});

describeTargets(
  "passwords across Bun and Workers",
  (t) => {
    test("an argon2id hash cannot be checked on a Worker: 401, and the log says why", async () => {
      const email = freshEmail();
      await register(t, email);
      const argon2 = await createBunPasswords("argon2id").hash(PASSWORD);
      await t.deps.db.update(accounts).set({ passwordHash: argon2 }).where(eq(accounts.email, email));
      expect((await login(t, email)).status).toBe(401);
      // workerd's log lines reach the test process on their own stream, sometimes after the answer.
      const warning = await waitFor(
        () => t.worker!.logs.find((l) => l.message.includes("cannot be verified on Workers")),
        { what: "the Worker's warning about the argon2id hash" },
      );
      expect(warning.message).toContain('"algorithm":"argon2id"');
    });

    test("a password set on the Worker is a PBKDF2 hash, which Bun verifies", async () => {
      const email = freshEmail();
      await register(t, email);
      const row = await t.deps.db.query.accounts.findFirst({ where: eq(accounts.email, email) });
      expect(row!.passwordHash).toStartWith("$pbkdf2-sha256$i=100000$");
      const bun = createBunPasswords();
      expect(await bun.verify(PASSWORD, row!.passwordHash!)).toBe(true);
      expect(await bun.verify("another password", row!.passwordHash!)).toBe(false);
    });
  },
  { targets: ["worker"], env: { LOG_LEVEL: "warn" } },
);
