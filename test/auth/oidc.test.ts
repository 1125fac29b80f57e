/**
 * Tokens from an external OpenID Connect provider, checked for real: the provider's keys are served as a
 * JWKS by a Bun.serve on port 0, and the app fetches them over HTTP as it would in production.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from "jose";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

const ISSUER = "https://login.idp.example/";
const AUDIENCE = "angelshare-shop";
const KID = "idp-key-1";
const LOCAL_SECRET = "test-secret-that-is-long-enough-0123456789";

let t: TestApp;
const clock = new TestClock();
let jwks: ReturnType<typeof Bun.serve>;
let providerKey: CryptoKey;
let strangerKey: CryptoKey;
let jwksRequests = 0;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  providerKey = pair.privateKey;
  strangerKey = (await generateKeyPair("RS256")).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "RS256", use: "sig" };
  jwks = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      if (new URL(request.url).pathname !== "/.well-known/jwks.json")
        return new Response("no", { status: 404 });
      jwksRequests++;
      return Response.json({ keys: [publicJwk] });
    },
  });
  t = await createTestApp({
    clock,
    env: {
      JWT_SECRET: LOCAL_SECRET,
      OIDC_ISSUER: ISSUER,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_URL: `http://127.0.0.1:${jwks.port}/.well-known/jwks.json`,
      OIDC_ROLE_CLAIM: "realm_access.roles",
    },
  });
});
afterAll(() => {
  t.close();
  jwks.stop(true);
});

type Claims = {
  sub?: string;
  email?: string;
  roles?: string[];
  iss?: string;
  aud?: string;
  exp?: number | null;
};

/** A provider token, valid unless the test changes something (`exp: null` leaves the expiry out). */
function providerToken(claims: Claims = {}, key: CryptoKey = providerKey, kid = KID) {
  const now = Math.floor(clock.now().getTime() / 1000);
  const jwt = new SignJWT({
    ...(claims.email ? { email: claims.email } : {}),
    ...(claims.roles ? { realm_access: { roles: claims.roles } } : {}),
  })
    .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
    .setSubject(claims.sub ?? "user-123")
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt(now);
  if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? now + 300);
  return jwt.sign(key);
}

const get = (path: string, token: string) =>
  t.call("GET", path, { headers: { Authorization: `Bearer ${token}` } });

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("OpenID Connect tokens", () => {
  test("a good token is accepted, and its subject gets one account of its own", async () => {
    const token = await providerToken({ sub: "alice", email: "alice@idp.example" });
    const first = await get("/api/v1/customers/me", token);
    expect(first.status).toBe(200);
    const profile = await first.json();
    expect(profile.email).toBe("alice@idp.example");
    expect(jwksRequests).toBeGreaterThan(0);

    const again = await get(
      "/api/v1/customers/me",
      await providerToken({ sub: "alice", email: "alice@idp.example" }),
    );
    expect((await again.json()).id).toBe(profile.id);
    const account = await t.services.accounts.findById(profile.id);
    expect(account).toMatchObject({ role: "customer", externalSubject: "oidc:alice", passwordHash: null });
  });

  test("the role comes from the configured claim", async () => {
    const staff = await providerToken({ sub: "sam", roles: ["offline_access", "staff"] });
    expect((await get("/api/v1/accounts", staff)).status).toBe(403);
    const customer = await t.signIn("customer");
    expect((await get(`/api/v1/customers/${customer.id}`, staff)).status).toBe(200);

    const admin = await providerToken({ sub: "root", roles: ["admin"] });
    expect((await get("/api/v1/accounts", admin)).status).toBe(200);

    const plain = await providerToken({ sub: "carol" });
    expect((await get(`/api/v1/customers/${customer.id}`, plain)).status).toBe(404);
  });

  test("a provider's e-mail never takes over a local account", async () => {
    const local = await t.signIn("customer", "dora@example.com");
    const res = await get(
      "/api/v1/customers/me",
      await providerToken({ sub: "dora-at-idp", email: "dora@example.com" }),
    );
    expect(res.status).toBe(200);
    const profile = await res.json();
    expect(profile.id).not.toBe(local.id);
    expect(profile.email).toBe("dora-at-idp@oidc.invalid");
  });

  test("alg none is refused", async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    const payload = {
      sub: "mallory",
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now,
      exp: now + 300,
      realm_access: { roles: ["admin"] },
    };
    expect((await get("/api/v1/customers/me", `${b64url({ alg: "none" })}.${b64url(payload)}.`)).status).toBe(
      401,
    );
  });

  test("a token signed with a key the provider does not publish is refused", async () => {
    expect((await get("/api/v1/customers/me", await providerToken({}, strangerKey))).status).toBe(401);
    expect(
      (await get("/api/v1/customers/me", await providerToken({}, strangerKey, "unknown-kid"))).status,
    ).toBe(401);
  });

  test("an HS256 token claiming the provider as issuer is refused, even signed with our own secret", async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    const token = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "HS256", kid: KID })
      .setSubject("mallory")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(LOCAL_SECRET));
    expect((await get("/api/v1/customers/me", token)).status).toBe(401);
  });

  test("a wrong issuer or audience is refused", async () => {
    expect(
      (await get("/api/v1/customers/me", await providerToken({ iss: "https://evil.example/" }))).status,
    ).toBe(401);
    expect((await get("/api/v1/customers/me", await providerToken({ aud: "someone-else" }))).status).toBe(
      401,
    );
  });

  test("an expired token is refused, also once the clock passes a good token's expiry", async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    expect((await get("/api/v1/customers/me", await providerToken({ exp: now - 10 }))).status).toBe(401);
    const token = await providerToken({ sub: "erin" });
    expect((await get("/api/v1/customers/me", token)).status).toBe(200);
    clock.advance(301_000);
    const res = await get("/api/v1/customers/me", token);
    expect(res.status).toBe(401);
    expect((await res.json()).detail).toContain("expired");
  });

  test("a token without an expiry, or issued a day ahead, is refused", async () => {
    const res = await get("/api/v1/customers/me", await providerToken({ sub: "gina", exp: null }));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      code: "invalid-token",
      detail: 'The token has no "exp" claim.',
    });
    const now = Math.floor(clock.now().getTime() / 1000);
    const ahead = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: KID, typ: "JWT" })
      .setSubject("gina")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now + 86_400)
      .setExpirationTime(now + 86_400 + 300)
      .sign(providerKey);
    expect((await get("/api/v1/customers/me", ahead)).status).toBe(401);
  });

  test("a disabled account refuses its provider's tokens", async () => {
    const token = await providerToken({ sub: "frank" });
    const profile = await (await get("/api/v1/customers/me", token)).json();
    const admin = await t.signIn("admin");
    await t.call("PATCH", `/api/v1/accounts/${profile.id}`, {
      headers: admin.headers,
      body: { disabled: true },
    });
    expect((await get("/api/v1/customers/me", await providerToken({ sub: "frank" }))).status).toBe(401);
  });

  test("our own tokens still work beside the provider's", async () => {
    const customer = await t.signIn("customer");
    expect((await get("/api/v1/customers/me", customer.token)).status).toBe(200);
  });
});
