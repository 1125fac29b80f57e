import type { PasswordHasher } from "../deps.ts";
import { createWebCryptoPasswords, isPbkdf2Hash } from "./webcrypto-passwords.ts";

export type PasswordAlgorithm = "argon2id" | "pbkdf2-sha256";

const pbkdf2 = createWebCryptoPasswords();

/**
 * Passwords on Bun: argon2id by default (`$argon2id$v=19$...`), or PBKDF2-SHA256 when the same database
 * also serves a Cloudflare Worker, which cannot verify argon2id (see webcrypto-passwords.ts). Either way
 * both kinds verify here, so accounts made on a Worker sign in on Bun.
 */
export function createBunPasswords(algorithm: PasswordAlgorithm = "argon2id"): PasswordHasher {
  return {
    hash: (password) =>
      algorithm === "pbkdf2-sha256"
        ? pbkdf2.hash(password)
        : Bun.password.hash(password, { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 }),
    async verify(password, hash) {
      if (isPbkdf2Hash(hash)) return pbkdf2.verify(password, hash);
      try {
        return await Bun.password.verify(password, hash);
      } catch {
        return false;
      }
    },
  };
}

export const bunPasswords: PasswordHasher = createBunPasswords();
