import {
  type CryptoKey,
  createRemoteJWKSet,
  errors,
  importPKCS8,
  importSPKI,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import type { Config } from "../config.ts";
import type { Role } from "../db/schema/accounts.ts";
import { type HmacSha256, Hs256Error, verifyHs256 } from "./hs256.ts";

export type VerifiedToken = {
  subject: string;
  role: Role;
  email?: string;
  /** "local" for our own tokens, "oidc" for an external provider's. */
  source: "local" | "oidc";
  expiresAt: number;
  /**
   * Ours: the account's token generation when the token was issued (`gen`, 0 when absent). A token of an
   * older generation than the account's is refused (signed out everywhere, password changed or reset).
   * Undefined for a provider's tokens, which we cannot end early.
   */
  generation?: number;
};

export class TokenError extends Error {}

const ROLES: readonly Role[] = ["customer", "staff", "admin"];
/** How far another clock (a second server, the token CLI on a laptop) may run ahead of ours. */
export const CLOCK_SKEW_SECONDS = 60;
const LOCAL_ALGS = ["HS256", "ES256", "EdDSA", "RS256"];

type Keys = {
  alg: string;
  sign: CryptoKey | Uint8Array;
  verify: CryptoKey | Uint8Array;
  /** The HS256 secret's bytes, for the synchronous check (src/http/hs256.ts). */
  secret?: Uint8Array;
};

async function loadKeys(config: Config): Promise<Keys> {
  if (config.JWT_PRIVATE_KEY && config.JWT_PUBLIC_KEY) {
    const alg = config.JWT_KEY_ALG;
    return {
      alg,
      sign: await importPKCS8(config.JWT_PRIVATE_KEY, alg),
      verify: await importSPKI(config.JWT_PUBLIC_KEY, alg),
    };
  }
  // Without a configured secret, a random one: tokens then die with the process (fine for development).
  const secret = config.JWT_SECRET
    ? new TextEncoder().encode(config.JWT_SECRET)
    : crypto.getRandomValues(new Uint8Array(32));
  // Imported once: handing jose the raw bytes would import the key again on every request.
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
  return { alg: "HS256", sign: key, verify: key, secret };
}

/** The claims every token of ours must carry: without them it would be valid forever, whoever minted it. */
const REQUIRED_CLAIMS = ["exp", "iat"];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Issues our access tokens and verifies ours and, when configured, an OIDC provider's. Given a synchronous
 * HMAC (`hmac`, on Bun), our HS256 tokens are checked without WebCrypto's thread hop (src/http/hs256.ts).
 */
export class TokenService {
  private keys: Promise<Keys>;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly config: Config,
    private readonly now: () => Date,
    private readonly hmac?: HmacSha256,
  ) {
    this.keys = loadKeys(config);
    if (config.OIDC_JWKS_URL) this.jwks = createRemoteJWKSet(new URL(config.OIDC_JWKS_URL));
  }

  async issueAccessToken(
    subject: string,
    role: Role,
    email: string,
    generation = 0,
  ): Promise<{ token: string; expiresAt: Date }> {
    const keys = await this.keys;
    const iat = Math.floor(this.now().getTime() / 1000);
    const exp = iat + this.config.ACCESS_TOKEN_TTL;
    const token = await new SignJWT({ role, email, gen: generation })
      .setProtectedHeader({ alg: keys.alg, typ: "JWT" })
      .setSubject(subject)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(crypto.randomUUID())
      .sign(keys.sign);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async verify(token: string): Promise<VerifiedToken> {
    try {
      const iss = peekIssuer(token);
      if (this.jwks && iss === this.config.OIDC_ISSUER) return await this.verifyOidc(token);
      // Strict base64url without padding (RFC 7515), whichever check follows: jose would also take plain
      // base64 and padding, so one signature would have several spellings.
      if (!COMPACT_JWS.test(token)) throw new TokenError("The token is not valid.");
      const keys = await this.keys;
      const payload: JWTPayload =
        keys.secret && this.hmac
          ? verifyHs256(token, keys.secret, this.hmac, {
              issuer: this.config.JWT_ISSUER,
              audience: this.config.JWT_AUDIENCE,
              required: REQUIRED_CLAIMS,
              now: this.now(),
            })
          : (
              await jwtVerify(token, keys.verify, {
                issuer: this.config.JWT_ISSUER,
                audience: this.config.JWT_AUDIENCE,
                algorithms: [keys.alg].filter((a) => LOCAL_ALGS.includes(a)),
                requiredClaims: REQUIRED_CLAIMS,
                currentDate: this.now(),
              })
            ).payload;
      const gen = payload.gen ?? 0;
      if (typeof gen !== "number" || !Number.isInteger(gen) || gen < 0) {
        throw new TokenError('The token\'s "gen" claim is not a generation number.');
      }
      return { ...this.toVerified(payload, "local", payload.role), generation: gen };
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof errors.JWTExpired) throw new TokenError("The token has expired.");
      if (err instanceof Hs256Error && err.reason === "expired")
        throw new TokenError("The token has expired.");
      if (err instanceof errors.JWTClaimValidationFailed && err.reason === "missing") {
        throw new TokenError(`The token has no "${err.claim}" claim.`);
      }
      if (err instanceof Hs256Error && err.reason === "missing") {
        throw new TokenError(`The token has no "${err.claim}" claim.`);
      }
      throw new TokenError("The token is not valid.");
    }
  }

  private async verifyOidc(token: string): Promise<VerifiedToken> {
    const { payload } = await jwtVerify(token, this.jwks!, {
      issuer: this.config.OIDC_ISSUER,
      audience: this.config.OIDC_AUDIENCE,
      requiredClaims: ["exp"],
      currentDate: this.now(),
    });
    return this.toVerified(payload, "oidc", readClaim(payload, this.config.OIDC_ROLE_CLAIM) ?? "customer");
  }

  private toVerified(payload: JWTPayload, source: "local" | "oidc", role: unknown): VerifiedToken {
    if (!payload.sub) throw new TokenError("The token has no subject.");
    // jose lets any JSON value through as `sub`; an account id is a string.
    if (typeof payload.sub !== "string") throw new TokenError("The token's subject is not an account id.");
    if (!ROLES.includes(role as Role)) throw new TokenError("The token names no known role.");
    // jose checks `iat` only against a maximum age; one from the future would outlive its stated lifetime.
    if (payload.iat !== undefined && payload.iat > this.now().getTime() / 1000 + CLOCK_SKEW_SECONDS) {
      throw new TokenError("The token was issued in the future (its iat is ahead of our clock).");
    }
    return {
      subject: payload.sub,
      role: role as Role,
      email: typeof payload.email === "string" ? payload.email : undefined,
      source,
      expiresAt: payload.exp ?? 0,
    };
  }
}

function peekIssuer(token: string): string | undefined {
  const part = token.split(".")[1];
  if (!part) throw new TokenError("The token is not a JWT.");
  try {
    const json = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
    return typeof json.iss === "string" ? json.iss : undefined;
  } catch {
    throw new TokenError("The token is not a JWT.");
  }
}

/** Reads a claim by dotted path (`realm_access.roles` style); for an array, the first known role. */
function readClaim(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split(".")) value = (value as Record<string, unknown> | undefined)?.[key];
  if (Array.isArray(value)) return value.find((v) => ROLES.includes(v)) ?? value[0];
  return value;
}
