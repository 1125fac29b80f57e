import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { refreshTokens } from "../../src/db/schema/accounts.ts";
import { hashRefreshToken } from "../../src/modules/auth/refresh-tokens.ts";
import { createAuthTestApp, PASSWORD, registerAndLogin } from "./support.ts";

type T = Awaited<ReturnType<typeof createAuthTestApp>>;
let t: T;
beforeEach(async () => {
  t = await createAuthTestApp({ env: { REFRESH_TOKEN_TTL: "1h" } });
});
afterEach(() => t.close());

const refresh = (refreshToken: string) => t.call("POST", "/api/v1/auth/refresh", { body: { refreshToken } });
const logout = (refreshToken: string) => t.call("POST", "/api/v1/auth/logout", { body: { refreshToken } });
const login = async () =>
  (await (
    await t.call("POST", "/api/v1/auth/login", { body: { email: "ada@example.com", password: PASSWORD } })
  ).json()) as { refreshToken: string; accessToken: string };

describe("POST /auth/refresh", () => {
  test("trades a refresh token for new tokens in the same family", async () => {
    const session = await registerAndLogin(t, "ada@example.com");
    t.clock.advance(60_000);
    const res = await refresh(session.refreshToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const next = await res.json();
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.accessToken).not.toBe(session.accessToken);
    expect(next.account).toEqual(session.account);
    expect(next.refreshExpiresAt).toBe(new Date(t.clock.now().getTime() + 3_600_000).toISOString());
    const me = await t.call("GET", "/api/v1/customers/me", {
      headers: { Authorization: `Bearer ${next.accessToken}` },
    });
    expect(me.status).toBe(200);

    const rows = await t.deps.db.select().from(refreshTokens);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.familyId)).size).toBe(1);
    expect(rows.filter((r) => r.rotatedAt !== null)).toHaveLength(1);
  });

  test("tokens are stored only as their SHA-256", async () => {
    const session = await registerAndLogin(t, "ada@example.com");
    const [row] = await t.deps.db.select().from(refreshTokens);
    expect(row!.tokenHash).toBe(await hashRefreshToken(session.refreshToken));
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(session.refreshToken.slice(3));
  });

  test("reusing a rotated token revokes the whole family: the newest token dies too", async () => {
    const session = await registerAndLogin(t, "ada@example.com");
    const second = await (await refresh(session.refreshToken)).json();
    const third = await (await refresh(second.refreshToken)).json();

    const reuse = await refresh(session.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await reuse.json()).detail).toContain("already used");
    expect((await refresh(third.refreshToken)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);

    const rows = await t.deps.db.select().from(refreshTokens);
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
  });

  test("reuse in one session leaves the account's other sessions alone", async () => {
    const phone = await registerAndLogin(t, "ada@example.com");
    const laptop = await login();
    await refresh(phone.refreshToken);
    expect((await refresh(phone.refreshToken)).status).toBe(401);
    expect((await refresh(laptop.refreshToken)).status).toBe(200);
  });

  test("two refreshes racing with one token: one wins, and the session ends", async () => {
    const session = await registerAndLogin(t, "ada@example.com");
    const [a, b] = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 401]);
    const winner = await (a.status === 200 ? a : b).json();
    // The loser looked like a thief replaying the token: the winner's token is revoked with the family.
    expect((await refresh(winner.refreshToken)).status).toBe(401);
  });

  test("an expired refresh token is refused", async () => {
    const session = await registerAndLogin(t, "ada@example.com");
    t.clock.advance(3_600_000);
    const res = await refresh(session.refreshToken);
    expect(res.status).toBe(401);
    expect((await res.json()).detail).toContain("expired");
  });

  test("each rotation gives the new token a full lifetime", async () => {
    let token = (await registerAndLogin(t, "ada@example.com")).refreshToken;
    for (let i = 0; i < 3; i++) {
      t.clock.advance(50 * 60_000);
      const res = await refresh(token);
      expect(res.status).toBe(200);
      token = (await res.json()).refreshToken;
    }
  });

  test("an unknown token is refused", async () => {
    const res = await refresh("rt_not-a-token-we-ever-gave-out");
    expect(res.status).toBe(401);
    expect((await res.json()).type).toContain("invalid-refresh-token");
  });

  test("a disabled account's sessions end at once", async () => {
    const session = await registerAndLogin(t, "ada@example.com");
    const admin = await t.signIn("admin");
    const patched = await t.call("PATCH", `/api/v1/accounts/${session.account.id}`, {
      headers: admin.headers,
      body: { disabled: true },
    });
    expect(patched.status).toBe(200);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    const me = await t.call("GET", "/api/v1/customers/me", {
      headers: { Authorization: `Bearer ${session.accessToken}` },
    });
    expect(me.status).toBe(401);
  });

  test.each([
    ["no token", {}],
    ["an empty token", { refreshToken: "" }],
    ["a token that is not a string", { refreshToken: 42 }],
    ["an extra field", { refreshToken: "rt_x", accessToken: "y" }],
  ])("refuses %s with 422", async (_what, body) => {
    const res = await t.call("POST", "/api/v1/auth/refresh", { body });
    expect(res.status).toBe(422);
    expect((await res.json()).errors.length).toBeGreaterThan(0);
  });
});

describe("POST /auth/logout", () => {
  test("ends the session: its token and every rotation of it stop working", async () => {
    const session = await registerAndLogin(t, "ada@example.com");
    const next = await (await refresh(session.refreshToken)).json();
    const res = await logout(next.refreshToken);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await refresh(next.refreshToken)).status).toBe(401);
  });

  test("is idempotent: again, with an old token of the family, or with an unknown token, still 204", async () => {
    const session = await registerAndLogin(t, "ada@example.com");
    const next = await (await refresh(session.refreshToken)).json();
    expect((await logout(next.refreshToken)).status).toBe(204);
    expect((await logout(next.refreshToken)).status).toBe(204);
    expect((await logout(session.refreshToken)).status).toBe(204);
    expect((await logout("rt_unknown")).status).toBe(204);
  });

  test("leaves the account's other sessions alone", async () => {
    const phone = await registerAndLogin(t, "ada@example.com");
    const laptop = await login();
    await logout(phone.refreshToken);
    expect((await refresh(laptop.refreshToken)).status).toBe(200);
  });

  test("refuses a body without a token with 422", async () => {
    expect((await t.call("POST", "/api/v1/auth/logout", { body: {} })).status).toBe(422);
  });
});

test("signing in forgets the account's expired refresh tokens", async () => {
  const first = await registerAndLogin(t, "ada@example.com");
  t.clock.advance(2 * 3_600_000);
  await login();
  const rows = await t.deps.db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.accountId, first.account.id));
  expect(rows).toHaveLength(1);
});
