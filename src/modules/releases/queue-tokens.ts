/**
 * Admission tokens: an HS256 JWT (jose) naming the customer (`sub`), the release (`rel`) and the queue
 * place (`plc`), expiring with the admission. Nothing of it is stored: the place's row says whether the
 * admission is still good, and the token is signed again, the same, whenever its owner reads their place
 * (its `iat` is the admission's time). The key is derived from the JWT secret or private key with a label
 * of its own (never the access-token key itself); without either, a random key that dies with the process,
 * as access tokens do (GET .../queue/me then hands out the token again under the new key).
 */
import { errors, jwtVerify, SignJWT } from "jose";
import type { Config } from "../../config.ts";

const AUDIENCE = "angelshare-admission";
const LABEL = "angelshare/releases/admission/v1";

export type AdmissionKey = Promise<CryptoKey>;

// One key per configuration: the gate on orders and the queue's service must agree even on a random key.
const keys = new WeakMap<Config, AdmissionKey>();

export function admissionKey(config: Config): AdmissionKey {
  let key = keys.get(config);
  if (!key) {
    key = deriveKey(config);
    keys.set(config, key);
  }
  return key;
}

async function deriveKey(config: Config): Promise<CryptoKey> {
  const encoder = new TextEncoder();
  const material = config.JWT_SECRET ?? config.JWT_PRIVATE_KEY;
  const base = material ? encoder.encode(material) : crypto.getRandomValues(new Uint8Array(32));
  const derive = await crypto.subtle.importKey("raw", base, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const raw = await crypto.subtle.sign("HMAC", derive, encoder.encode(LABEL));
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export type Admission = { customerId: string; releaseId: string; placeId: string };

export async function signAdmission(
  key: AdmissionKey,
  a: Admission,
  admittedAt: string,
  expiresAt: string,
): Promise<string> {
  return new SignJWT({ rel: a.releaseId, plc: a.placeId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(a.customerId)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(Date.parse(admittedAt) / 1000))
    .setExpirationTime(Math.floor(Date.parse(expiresAt) / 1000))
    .sign(await key);
}

export class AdmissionTokenError extends Error {
  constructor(
    readonly reason: "invalid" | "expired",
    message: string,
  ) {
    super(message);
  }
}

/** What a token names; throws AdmissionTokenError for a forged, malformed or expired one. */
export async function verifyAdmission(key: AdmissionKey, token: string, now: Date): Promise<Admission> {
  try {
    const { payload } = await jwtVerify(token, await key, {
      audience: AUDIENCE,
      algorithms: ["HS256"],
      requiredClaims: ["exp"],
      currentDate: now,
      clockTolerance: 0,
    });
    const { sub, rel, plc } = payload;
    if (typeof sub !== "string" || typeof rel !== "string" || typeof plc !== "string") {
      throw new AdmissionTokenError("invalid", "The admission token names no queue place.");
    }
    return { customerId: sub, releaseId: rel, placeId: plc };
  } catch (err) {
    if (err instanceof AdmissionTokenError) throw err;
    if (err instanceof errors.JWTExpired) {
      throw new AdmissionTokenError(
        "expired",
        "The admission token has expired: its window to order is over.",
      );
    }
    if (err instanceof errors.JOSEError) {
      throw new AdmissionTokenError("invalid", "The admission token is not one we issued.");
    }
    throw err;
  }
}
