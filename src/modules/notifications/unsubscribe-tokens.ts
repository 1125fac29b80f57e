/**
 * Signed one-click unsubscribe tokens: an HS256 JWT (jose) naming one customer and one topic, with no
 * expiry (a link in a year-old e-mail must still work). The key is UNSUBSCRIBE_SECRET, or derived from the
 * JWT secret or private key (HMAC with a fixed label, so it is never the token key itself); without either,
 * a random key that dies with the process, as access tokens do.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import type { Config } from "../../config.ts";
import { ALL_TOPICS, isTopic, type UnsubscribeTopic } from "./topics.ts";

const AUDIENCE = "angelshare-unsubscribe";
const LABEL = "angelshare/notifications/unsubscribe/v1";

export type UnsubscribeKey = Promise<CryptoKey>;

export async function unsubscribeKey(config: Config): UnsubscribeKey {
  const encoder = new TextEncoder();
  const material = config.UNSUBSCRIBE_SECRET ?? config.JWT_SECRET ?? config.JWT_PRIVATE_KEY;
  const base = material ? encoder.encode(material) : crypto.getRandomValues(new Uint8Array(32));
  const derive = await crypto.subtle.importKey("raw", base, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const raw = await crypto.subtle.sign("HMAC", derive, encoder.encode(LABEL));
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export async function signUnsubscribe(
  key: UnsubscribeKey,
  customerId: string,
  topic: UnsubscribeTopic,
  issuedAt: Date,
): Promise<string> {
  return new SignJWT({ topic })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(customerId)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
    .sign(await key);
}

export class UnsubscribeTokenError extends Error {}

/** The customer and topic a token names; throws UnsubscribeTokenError for anything forged or malformed. */
export async function verifyUnsubscribe(
  key: UnsubscribeKey,
  token: string,
): Promise<{ customerId: string; topic: UnsubscribeTopic }> {
  try {
    const { payload } = await jwtVerify(token, await key, { audience: AUDIENCE, algorithms: ["HS256"] });
    const topic = payload.topic;
    if (typeof payload.sub !== "string" || typeof topic !== "string") throw new UnsubscribeTokenError();
    if (topic !== ALL_TOPICS && !isTopic(topic)) throw new UnsubscribeTokenError();
    return { customerId: payload.sub, topic };
  } catch (err) {
    if (err instanceof UnsubscribeTokenError || err instanceof errors.JOSEError) {
      throw new UnsubscribeTokenError("The unsubscribe link is not one we signed.");
    }
    throw err;
  }
}
