import type { PasswordHasher } from "../../deps.ts";

/**
 * A hash of a random password with the hasher's own algorithm and cost, made once per hasher. A password
 * checked for an account that has none (or no account at all) is verified against it, so the check costs
 * what a wrong password costs and its time tells nothing.
 */
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();
export function dummyHashFor(passwords: PasswordHasher): Promise<string> {
  let hash = dummyHashes.get(passwords);
  if (!hash) {
    hash = passwords.hash(crypto.randomUUID());
    dummyHashes.set(passwords, hash);
  }
  return hash;
}
