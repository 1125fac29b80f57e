/**
 * Our own access tokens (HS256) checked synchronously, where the runtime has a synchronous HMAC (Bun).
 * jose verifies through WebCrypto, whose every operation is a hop to another thread and back: about
 * 15 µs of a drop's request when many are in flight and 40-100 µs for one on its own, against ~1 µs for
 * the HMAC itself. The checks are jose's, for the options TokenService gives it (tests in
 * test/auth/hs256.test.ts hold the two to the same answers); the Worker keeps jose (it has no synchronous HMAC without nodejs_compat).
 */
/** HMAC-SHA256 of `data` under `key`, computed synchronously. */
export type HmacSha256 = (key: Uint8Array, data: string) => Uint8Array;

export type Hs256Options = { issuer: string; audience: string; required: readonly string[]; now: Date };

/** Why a token failed: as jose's errors, so that callers answer alike on both paths. */
export class Hs256Error extends Error {
  constructor(
    readonly reason: "invalid" | "expired" | "missing",
    readonly claim?: string,
  ) {
    super(reason === "missing" ? `missing "${claim}"` : reason);
  }
}

const PART = /^[A-Za-z0-9_-]+$/;

/** Bytes of unpadded base64url (this module is shared with the Worker: atob, not Buffer). */
function base64urlBytes(part: string): Uint8Array {
  if (!PART.test(part) || part.length % 4 === 1) throw new Hs256Error("invalid");
  const binary = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function decodeJson(part: string): unknown {
  const bytes = base64urlBytes(part);
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    throw new Hs256Error("invalid");
  }
}

/** Equal bytes, in time that depends only on the length (a signature check must not leak a prefix). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The verified payload of a compact HS256 JWS whose claims pass; throws Hs256Error otherwise. */
export function verifyHs256(
  token: string,
  key: Uint8Array,
  hmac: HmacSha256,
  options: Hs256Options,
): Record<string, unknown> {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Hs256Error("invalid");
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  // Only plain HS256: no other algorithm (none, HS512...), no critical extensions (b64: false) we do not know.
  if (!isObject(header) || header.alg !== "HS256" || "crit" in header || "b64" in header) {
    throw new Hs256Error("invalid");
  }
  if (!sameBytes(base64urlBytes(s), hmac(key, `${h}.${p}`))) throw new Hs256Error("invalid");
  const payload = decodeJson(p);
  if (!isObject(payload)) throw new Hs256Error("invalid");
  // As jose: the issuer and audience asked for are required claims too, checked after the others.
  for (const claim of [...options.required, "iss", "aud"]) {
    if (!(claim in payload)) throw new Hs256Error("missing", claim);
  }
  checkClaims(payload, options);
  return payload;
}

function checkClaims(payload: Record<string, unknown>, options: Hs256Options) {
  const now = Math.floor(options.now.getTime() / 1000);
  const { iss, aud, exp, nbf, iat } = payload;
  if (iss !== options.issuer) throw new Hs256Error("invalid");
  const audiences = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(options.audience)) throw new Hs256Error("invalid");
  for (const time of [iat, nbf, exp]) {
    if (time !== undefined && typeof time !== "number") throw new Hs256Error("invalid");
  }
  if (typeof nbf === "number" && nbf > now) throw new Hs256Error("invalid");
  if (typeof exp === "number" && exp <= now) throw new Hs256Error("expired");
}
