import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

const SECRET = "test-secret-that-is-long-enough-0123456789";

let t: TestApp;
const clock = new TestClock();
beforeAll(async () => {
  t = await createTestApp({ clock, env: { JWT_SECRET: SECRET } });
});
afterAll(() => t.close());

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const me = (token: string) =>
  t.call("GET", "/api/v1/customers/me", { headers: { Authorization: `Bearer ${token}` } });

/** A token signed with `secret`, with our claims unless the test changes one (`null`: the claim is left out). */
async function signed(
  subject: string,
  claims: { iss?: string; aud?: string; exp?: number | null; iat?: number | null } = {},
  secret = SECRET,
) {
  const now = Math.floor(clock.now().getTime() / 1000);
  const jwt = new SignJWT({ role: "customer" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(subject)
    .setIssuer(claims.iss ?? "angelshare")
    .setAudience(claims.aud ?? "angelshare-api");
  if (claims.iat !== null) jwt.setIssuedAt(claims.iat ?? now);
  if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? now + 600);
  return jwt.sign(new TextEncoder().encode(secret));
}

async function expectRefused(token: string) {
  const res = await me(token);
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const problem = await res.json();
  expect(problem.code).toBe("invalid-token");
  return problem.detail as string;
}

describe("our own access tokens", () => {
  test("a token we issued is accepted", async () => {
    const customer = await t.signIn("customer");
    expect((await me(customer.token)).status).toBe(200);
    expect((await me(await signed(customer.id))).status).toBe(200);
  });

  test("alg none is refused", async () => {
    const customer = await t.signIn("customer");
    const now = Math.floor(clock.now().getTime() / 1000);
    const payload = {
      sub: customer.id,
      role: "admin",
      iss: "angelshare",
      aud: "angelshare-api",
      iat: now,
      exp: now + 600,
    };
    await expectRefused(`${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`);
    await expectRefused(`${b64url({ alg: "none" })}.${b64url(payload)}`);
  });

  test("a tampered payload is refused (its signature no longer matches)", async () => {
    const customer = await t.signIn("customer");
    const [header, payload, signature] = customer.token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const forged = b64url({ ...claims, role: "admin" });
    await expectRefused(`${header}.${forged}.${signature}`);
    const admin = await t.signIn("admin");
    await expectRefused(`${header}.${b64url({ ...claims, sub: admin.id })}.${signature}`);
  });

  test("a token signed with another key is refused", async () => {
    const customer = await t.signIn("customer");
    await expectRefused(await signed(customer.id, {}, "another-secret-that-is-also-long-enough-000"));
  });

  test("a wrong audience or issuer is refused", async () => {
    const customer = await t.signIn("customer");
    await expectRefused(await signed(customer.id, { aud: "some-other-api" }));
    await expectRefused(await signed(customer.id, { iss: "someone-else" }));
  });

  test("an expired token is refused once the clock passes its expiry", async () => {
    const customer = await t.signIn("customer");
    expect((await me(customer.token)).status).toBe(200);
    clock.advance(15 * 60_000 + 1000);
    expect(await expectRefused(customer.token)).toContain("expired");
  });

  test("a token without an expiry, or without an issue time, is refused even with the right signature", async () => {
    const customer = await t.signIn("customer");
    expect(await expectRefused(await signed(customer.id, { exp: null }))).toContain('"exp"');
    expect(await expectRefused(await signed(customer.id, { iat: null }))).toContain('"iat"');
  });

  test("a token issued in the future is refused beyond a minute of clock skew", async () => {
    const customer = await t.signIn("customer");
    const now = Math.floor(clock.now().getTime() / 1000);
    const dayAhead = await signed(customer.id, { iat: now + 86_400, exp: now + 86_400 + 600 });
    expect(await expectRefused(dayAhead)).toContain("future");
    expect(await expectRefused(await signed(customer.id, { iat: now + 61 }))).toContain("future");
    // Another server's clock a little ahead of ours is fine.
    expect((await me(await signed(customer.id, { iat: now + 30 }))).status).toBe(200);
  });

  test("a token for an account that was disabled or never existed is refused", async () => {
    await expectRefused(await signed("cus_does_not_exist"));
    const admin = await t.signIn("admin");
    const customer = await t.signIn("customer");
    await t.call("PATCH", `/api/v1/accounts/${customer.id}`, {
      headers: admin.headers,
      body: { disabled: true },
    });
    await expectRefused(customer.token);
  });

  test("garbage and a header that is not Bearer are refused, never treated as anonymous", async () => {
    await expectRefused("not-a-jwt");
    await expectRefused("a.b.c");
    const res = await t.call("GET", "/api/v1/customers/me", { headers: { Authorization: "Basic YWRhOnB3" } });
    expect(res.status).toBe(401);
  });
});
