/**
 * Password hashing with WebCrypto only (PBKDF2-HMAC-SHA256), so it runs on Cloudflare Workers as well as on
 * Bun. Hashes are PHC-style strings that name their algorithm and cost:
 *
 *   $pbkdf2-sha256$i=100000$<salt, base64 without padding>$<32-byte key, base64 without padding>
 *
 * Why 100,000 iterations: workerd refuses PBKDF2 above 100,000 iterations (NotSupportedError), so it is
 * the strongest setting a Worker can both make and check. Hashes with more iterations (made elsewhere)
 * verify on Bun but not on Workers.
 *
 * What WebCrypto cannot do: argon2id (the Bun default, `$argon2id$...`). A Worker cannot verify those
 * hashes at all; `verify` then answers false and reports it through `onUnsupported`, so the log says why
 * the sign-in failed. Accounts move both ways when the Bun deployment hashes with pbkdf2-sha256 too
 * (`PASSWORD_HASH=pbkdf2-sha256`); the Bun hasher verifies both kinds in any case.
 */
import type { PasswordHasher } from "../deps.ts";

export const PBKDF2_PREFIX = "$pbkdf2-sha256$";
/** The most workerd accepts. */
export const PBKDF2_MAX_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

export type WebCryptoPasswordOptions = {
  iterations?: number;
  /** Told when a hash names an algorithm this runtime cannot verify (e.g. "argon2id"). */
  onUnsupported?: (algorithm: string) => void;
  /** The most iterations a stored hash may ask for (a Worker cannot go above 100,000). */
  maxIterations?: number;
};

/** The algorithm a PHC string names (`argon2id`, `pbkdf2-sha256`, ...), or undefined when it is not one. */
export function hashAlgorithm(hash: string): string | undefined {
  const match = /^\$([a-z0-9-]+)\$/.exec(hash);
  return match?.[1];
}

export function isPbkdf2Hash(hash: string): boolean {
  return hash.startsWith(PBKDF2_PREFIX);
}

export function createWebCryptoPasswords(options: WebCryptoPasswordOptions = {}): PasswordHasher {
  const iterations = options.iterations ?? PBKDF2_MAX_ITERATIONS;
  const maxIterations = options.maxIterations ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(iterations) || iterations < 10_000 || iterations > maxIterations) {
    throw new RangeError(`PBKDF2 iterations must be an integer from 10000 to ${maxIterations}`);
  }
  return {
    async hash(password) {
      const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
      const key = await derive(password, salt, iterations, KEY_BYTES);
      return `${PBKDF2_PREFIX}i=${iterations}$${toBase64(salt)}$${toBase64(key)}`;
    },
    async verify(password, hash) {
      const parsed = parsePbkdf2(hash);
      if (!parsed) {
        const algorithm = hashAlgorithm(hash);
        if (algorithm) options.onUnsupported?.(algorithm);
        return false;
      }
      if (parsed.iterations > maxIterations) {
        options.onUnsupported?.(`pbkdf2-sha256 with ${parsed.iterations} iterations`);
        return false;
      }
      const key = await derive(password, parsed.salt, parsed.iterations, parsed.key.length);
      return constantTimeEqual(key, parsed.key);
    },
  };
}

type Pbkdf2Hash = { iterations: number; salt: Uint8Array; key: Uint8Array };

function parsePbkdf2(hash: string): Pbkdf2Hash | undefined {
  if (!isPbkdf2Hash(hash)) return undefined;
  const [params, salt, key, ...rest] = hash.slice(PBKDF2_PREFIX.length).split("$");
  const iterations = /^i=(\d{1,9})$/.exec(params ?? "")?.[1];
  if (!iterations || !salt || !key || rest.length) return undefined;
  try {
    const parsed = { iterations: Number(iterations), salt: fromBase64(salt), key: fromBase64(key) };
    if (parsed.iterations < 1 || parsed.salt.length < 8 || parsed.key.length < 16) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

async function derive(password: string, salt: Uint8Array, iterations: number, bytes: number) {
  const material = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password.normalize("NFKC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
    material,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

/** Compares in time that depends only on the length, so timing says nothing about where they differ. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/=+$/, "");
}

function fromBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]+$/.test(text)) throw new Error("not base64");
  const bin = atob(text + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
