import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createAuthTestApp, PASSWORD, registerAndLogin } from "./support.ts";

type T = Awaited<ReturnType<typeof createAuthTestApp>>;
let t: T;
beforeEach(async () => {
  t = await createAuthTestApp();
  await t.call("POST", "/api/v1/auth/register", {
    body: { email: "ada@example.com", password: PASSWORD },
    headers: { "X-Test-Client": "setup" },
  });
});
afterEach(() => t.close());

const login = (email: string, password: string, client = "client-a") =>
  t.call("POST", "/api/v1/auth/login", { body: { email, password }, headers: { "X-Test-Client": client } });

/** The parts of a problem that must not differ between two refusals (requestId always does). */
const comparable = async (res: Response) => {
  const { requestId: _, ...rest } = await res.json();
  return { status: res.status, type: res.headers.get("Content-Type"), body: rest };
};

const FIFTEEN_MINUTES = 15 * 60_000;

describe("POST /auth/login", () => {
  test("answers an access token, a refresh token and the account", async () => {
    const res = await login("ada@example.com", PASSWORD);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = await res.json();
    expect(body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: "Bearer",
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^rt_[\w-]{43}$/),
      refreshExpiresAt: new Date(t.clock.now().getTime() + 30 * 86_400_000).toISOString(),
      account: {
        id: expect.stringMatching(/^cus_/),
        email: "ada@example.com",
        role: "customer",
        emailVerified: false,
      },
    });
    const me = await t.call("GET", "/api/v1/customers/me", {
      headers: { Authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect((await me.json()).id).toBe(body.account.id);
  });

  test("the e-mail is matched without regard to case", async () => {
    expect((await login("ADA@example.COM", PASSWORD)).status).toBe(200);
  });

  test("a wrong password and an unknown e-mail are the very same 401", async () => {
    const wrongPassword = await comparable(await login("ada@example.com", "not the right password"));
    const unknownEmail = await comparable(await login("nobody@example.com", PASSWORD));
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail).toEqual(wrongPassword);
    expect(wrongPassword.body.detail).toBe("The e-mail or the password is wrong.");
  });

  test("an account without a password (OIDC or token-only) cannot sign in with one", async () => {
    const staff = await t.signIn("staff", "token-only@example.com");
    expect(staff.id).toBeTruthy();
    const res = await login("token-only@example.com", PASSWORD);
    expect(await comparable(res)).toEqual(await comparable(await login("nobody@example.com", PASSWORD)));
  });

  test("a disabled account hears so only with its right password", async () => {
    const admin = await t.signIn("admin");
    const account = await t.services.accounts.findByEmail("ada@example.com");
    await t.call("PATCH", `/api/v1/accounts/${account!.id}`, {
      headers: admin.headers,
      body: { disabled: true },
    });
    expect((await login("ada@example.com", "not the right password")).status).toBe(401);
    const res = await login("ada@example.com", PASSWORD);
    expect(res.status).toBe(403);
    expect((await res.json()).type).toContain("account-disabled");
  });

  test.each([
    ["no password", { email: "ada@example.com" }, "password"],
    ["an empty password", { email: "ada@example.com", password: "" }, "password"],
    ["no e-mail", { password: PASSWORD }, "email"],
    ["an extra field", { email: "ada@example.com", password: PASSWORD, role: "admin" }, "(root)"],
  ])("refuses %s with 422", async (_what, body, path) => {
    const res = await t.call("POST", "/api/v1/auth/login", { body });
    expect(res.status).toBe(422);
    expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe("guessing is slowed", () => {
  test("after 5 failures for one e-mail, even the right password gets 429 with Retry-After, from any client", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await login("ada@example.com", `wrong password ${i}`, `client-${i}`)).status).toBe(401);
    }
    const refused = await login("ada@example.com", PASSWORD, "client-fresh");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("900");
    expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await refused.json()).detail).toContain("failed sign-ins for this e-mail");

    // Other accounts are not affected.
    await t.call("POST", "/api/v1/auth/register", {
      body: { email: "bea@example.com", password: PASSWORD },
      headers: { "X-Test-Client": "setup" },
    });
    expect((await login("bea@example.com", PASSWORD, "client-fresh")).status).toBe(200);

    // Retry-After counts down with the clock, and the window passing lets the owner in.
    t.clock.advance(10 * 60_000);
    expect((await login("ada@example.com", PASSWORD)).headers.get("Retry-After")).toBe("300");
    t.clock.advance(5 * 60_000 + 1);
    expect((await login("ada@example.com", PASSWORD)).status).toBe(200);
  });

  test("an unknown e-mail is limited the same way, so a 429 does not tell either", async () => {
    for (let i = 0; i < 5; i++) await login("nobody@example.com", `guess ${i}`, `c${i}`);
    const unknown = await login("nobody@example.com", "guess 6", "c-other");
    for (let i = 0; i < 5; i++) await login("ada@example.com", `guess ${i}`, `d${i}`);
    const known = await login("ada@example.com", "guess 6", "d-other");
    expect(unknown.status).toBe(429);
    expect(known.status).toBe(429);
    expect(unknown.headers.get("Retry-After")).toBe(known.headers.get("Retry-After"));
  });

  test("a successful sign-in clears the account's failures", async () => {
    for (let i = 0; i < 4; i++) await login("ada@example.com", `wrong ${i}`, `c${i}`);
    expect((await login("ada@example.com", PASSWORD, "c-ok")).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      expect((await login("ada@example.com", `wrong again ${i}`, `e${i}`)).status).toBe(401);
    }
    expect((await login("ada@example.com", PASSWORD, "c-ok")).status).toBe(200);
  });

  test("after 20 failures from one client, its every attempt is 429; other clients go on", async () => {
    for (let i = 0; i < 20; i++) {
      // Many e-mails, four tries each: never over the per-account limit.
      expect((await login(`target${i % 5}@example.com`, `wrong ${i}`, "sprayer")).status).toBe(401);
    }
    const refused = await login("ada@example.com", PASSWORD, "sprayer");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await refused.json()).detail).toContain("from this client");
    expect((await login("ada@example.com", PASSWORD, "someone-else")).status).toBe(200);
    t.clock.advance(FIFTEEN_MINUTES + 1);
    expect((await login("ada@example.com", PASSWORD, "sprayer")).status).toBe(200);
  });

  test("without a client address every caller shares one budget, so the limit still holds", async () => {
    const anonymous = (password: string) =>
      t.call("POST", "/api/v1/auth/login", { body: { email: "ada@example.com", password } });
    for (let i = 0; i < 5; i++) await anonymous(`wrong ${i}`);
    expect((await anonymous(PASSWORD)).status).toBe(429);
  });

  test("a signed-in session is unaffected by later guessing", async () => {
    const session = await registerAndLogin(t, "cyd@example.com");
    for (let i = 0; i < 6; i++) await login("cyd@example.com", `wrong ${i}`, `g${i}`);
    const refreshed = await t.call("POST", "/api/v1/auth/refresh", {
      body: { refreshToken: session.refreshToken },
    });
    expect(refreshed.status).toBe(200);
  });
});
