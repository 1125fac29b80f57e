import { describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { parseConfig } from "../../src/config.ts";
import { type HmacSha256, verifyHs256 } from "../../src/http/hs256.ts";
import { TokenService } from "../../src/http/tokens.ts";
import { bunHmacSha256 } from "../../src/runtime/bun-hmac.ts";

// Our synchronous HS256 check (Bun) must answer every token exactly as jose does (the Worker's path):
// each case below goes through a TokenService of each kind, and the two outcomes must be equal.
const SECRET = "test-secret-that-is-long-enough-0123456789";
const config = parseConfig({ NODE_ENV: "test", JWT_SECRET: SECRET, PORT: "0" });
const NOW = new Date("2026-12-07T12:00:00Z");
const now = Math.floor(NOW.getTime() / 1000);
let hmacCalls = 0;
const countedHmac: HmacSha256 = (key, data) => {
  hmacCalls += 1;
  return bunHmacSha256(key, data);
};
const withJose = new TokenService(config, () => NOW);
const synchronous = new TokenService(config, () => NOW, countedHmac);

const key = new TextEncoder().encode(SECRET);
const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
const claims = (extra: Record<string, unknown> = {}) => ({
  sub: "acc_1",
  role: "customer",
  iss: config.JWT_ISSUER,
  aud: config.JWT_AUDIENCE,
  iat: now - 10,
  exp: now + 600,
  ...extra,
});
/** A compact JWS over any header and payload, signed HS256 with `secret` (raw, so anything can be said). */
function raw(header: unknown, payload: unknown, secret = key): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${Buffer.from(bunHmacSha256(secret, input)).toString("base64url")}`;
}
const drop = (o: Record<string, unknown>, k: string) => {
  const { [k]: _, ...rest } = o;
  return rest;
};

async function outcome(service: TokenService, token: string) {
  try {
    return { ok: await service.verify(token) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const valid = raw({ alg: "HS256", typ: "JWT" }, claims());
const [vh, vp, vs] = valid.split(".") as [string, string, string];
const cases: [string, () => Promise<string> | string][] = [
  ["a valid token", () => valid],
  ["one issued by jose", () => withJose.issueAccessToken("acc_2", "staff", "s@x.test").then((t) => t.token)],
  [
    "an audience list that includes ours",
    () => raw({ alg: "HS256" }, claims({ aud: ["other", config.JWT_AUDIENCE] })),
  ],
  ["an audience list without ours", () => raw({ alg: "HS256" }, claims({ aud: ["other"] }))],
  ["a tampered payload", () => `${vh}.${b64(claims({ role: "admin" }))}.${vs}`],
  ["another key", () => raw({ alg: "HS256" }, claims(), new TextEncoder().encode(`${SECRET}x`))],
  ["alg none, unsigned", () => `${b64({ alg: "none" })}.${vp}.`],
  ["alg none, two parts", () => `${b64({ alg: "none" })}.${vp}`],
  ["alg HS512 in the header", () => raw({ alg: "HS512" }, claims())],
  ["alg RS256 in the header", () => raw({ alg: "RS256" }, claims())],
  ["a critical extension", () => raw({ alg: "HS256", crit: ["exp"] }, claims())],
  ["an unencoded payload (b64: false)", () => raw({ alg: "HS256", b64: false, crit: ["b64"] }, claims())],
  ["a wrong issuer", () => raw({ alg: "HS256" }, claims({ iss: "someone-else" }))],
  ["no issuer", () => raw({ alg: "HS256" }, drop(claims(), "iss"))],
  ["a wrong audience", () => raw({ alg: "HS256" }, claims({ aud: "other-api" }))],
  ["expiring now", () => raw({ alg: "HS256" }, claims({ exp: now }))],
  ["expiring in a second", () => raw({ alg: "HS256" }, claims({ exp: now + 1 }))],
  ["expired an hour ago", () => raw({ alg: "HS256" }, claims({ exp: now - 3600 }))],
  ["no exp", () => raw({ alg: "HS256" }, drop(claims(), "exp"))],
  ["no iat", () => raw({ alg: "HS256" }, drop(claims(), "iat"))],
  ["exp as a string", () => raw({ alg: "HS256" }, claims({ exp: String(now + 600) }))],
  ["iat as a string", () => raw({ alg: "HS256" }, claims({ iat: "yesterday" }))],
  ["nbf in the future", () => raw({ alg: "HS256" }, claims({ nbf: now + 30 }))],
  ["nbf in the past", () => raw({ alg: "HS256" }, claims({ nbf: now - 30 }))],
  [
    "iat in the future beyond the skew",
    () => raw({ alg: "HS256" }, claims({ iat: now + 3600, exp: now + 7200 })),
  ],
  ["a numeric subject", () => raw({ alg: "HS256" }, claims({ sub: 42 }))],
  ["no subject", () => raw({ alg: "HS256" }, drop(claims(), "sub"))],
  ["an unknown role", () => raw({ alg: "HS256" }, claims({ role: "root" }))],
  ["a bad generation", () => raw({ alg: "HS256" }, claims({ gen: -1 }))],
  ["a payload that is an array", () => raw({ alg: "HS256" }, [claims()])],
  ["a payload that is not JSON", () => raw({ alg: "HS256" }, "not json")],
  ["a header that is not JSON", () => `${b64("{alg")}.${vp}.${vs}`],
  ["four parts", () => `${valid}.x`],
  ["a padded signature", () => `${valid}=`],
  ["a truncated signature", () => valid.slice(0, -2)],
  ["an empty signature", () => `${vh}.${vp}.`],
  ["a signature in plain base64", () => `${vh}.${vp}.${Buffer.from(vs, "base64url").toString("base64")}`],
  ["garbage", () => "not-a-jwt"],
  ["three dots of nothing", () => ".."],
  ["a non-ASCII claim", () => raw({ alg: "HS256" }, claims({ email: "bjørk@exämple.test" }))],
];

describe("our synchronous HS256 check answers as jose does", () => {
  for (const [name, make] of cases) {
    test(name, async () => {
      const token = await make();
      const [a, b] = [await outcome(withJose, token), await outcome(synchronous, token)];
      expect(b).toEqual(a);
    });
  }

  test("the synchronous path is the one taken (the HMAC is computed here, not by WebCrypto)", async () => {
    const before = hmacCalls;
    await synchronous.verify(valid);
    expect(hmacCalls).toBe(before + 1);
  });

  test("a token signed by jose for another algorithm with the same secret is refused", async () => {
    const hs512 = await new SignJWT(claims()).setProtectedHeader({ alg: "HS512" }).sign(key);
    expect((await outcome(synchronous, hs512)).error).toBe("The token is not valid.");
    expect(() =>
      verifyHs256(hs512, key, bunHmacSha256, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        required: ["exp"],
        now: NOW,
      }),
    ).toThrow();
  });
});
