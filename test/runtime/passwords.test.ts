import { describe, expect, test } from "bun:test";
import { bunPasswords, createBunPasswords } from "../../src/runtime/bun-passwords.ts";
import {
  createWebCryptoPasswords,
  hashAlgorithm,
  PBKDF2_MAX_ITERATIONS,
} from "../../src/runtime/webcrypto-passwords.ts";

// The fewest iterations the hasher accepts, so the suite stays quick; the format is the same.
const quick = createWebCryptoPasswords({ iterations: 10_000 });

describe("PBKDF2-SHA256 passwords (WebCrypto, as on Workers)", () => {
  test("a hash names its algorithm and cost, and verifies the right password only", async () => {
    const hash = await quick.hash("correct horse battery staple");
    expect(hash).toMatch(/^\$pbkdf2-sha256\$i=10000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(hashAlgorithm(hash)).toBe("pbkdf2-sha256");
    expect(await quick.verify("correct horse battery staple", hash)).toBe(true);
    expect(await quick.verify("correct horse battery stapl", hash)).toBe(false);
  });

  test("two hashes of one password differ (random salt)", async () => {
    expect(await quick.hash("same")).not.toBe(await quick.hash("same"));
  });

  test("the default is the most iterations workerd accepts", async () => {
    const hash = await createWebCryptoPasswords().hash("pw");
    expect(hash.startsWith(`$pbkdf2-sha256$i=${PBKDF2_MAX_ITERATIONS}$`)).toBe(true);
  });

  test("malformed or tampered hashes never verify and never throw", async () => {
    const hash = await quick.hash("pw");
    const [, , params, salt, key] = hash.split("$");
    for (const bad of [
      "",
      "plain-text",
      "$pbkdf2-sha256$",
      `$pbkdf2-sha256$${params}$${salt}`,
      `$pbkdf2-sha256$i=abc$${salt}$${key}`,
      `$pbkdf2-sha256$${params}$${salt}$${key}$extra`,
      `$pbkdf2-sha256$${params}$!!!$${key}`,
      `$pbkdf2-sha256$i=10001$${salt}$${key}`,
    ]) {
      expect(await quick.verify("pw", bad)).toBe(false);
    }
  });

  test("an argon2id hash (made on Bun) is reported as unsupported, not silently wrong", async () => {
    const argon = await bunPasswords.hash("pw");
    const unsupported: string[] = [];
    const worker = createWebCryptoPasswords({
      maxIterations: PBKDF2_MAX_ITERATIONS,
      onUnsupported: (a) => unsupported.push(a),
    });
    expect(await worker.verify("pw", argon)).toBe(false);
    expect(unsupported).toEqual(["argon2id"]);
  });

  test("a Worker refuses hashes that ask for more iterations than workerd allows", async () => {
    const strong = await createWebCryptoPasswords({ iterations: 100_001 }).hash("pw");
    const unsupported: string[] = [];
    const worker = createWebCryptoPasswords({
      maxIterations: PBKDF2_MAX_ITERATIONS,
      onUnsupported: (a) => unsupported.push(a),
    });
    expect(await worker.verify("pw", strong)).toBe(false);
    expect(unsupported[0]).toContain("100001");
  });
});

describe("Bun passwords read both kinds", () => {
  test("argon2id by default; PBKDF2 hashes (made on a Worker) verify too", async () => {
    expect(hashAlgorithm(await bunPasswords.hash("pw"))).toBe("argon2id");
    const fromWorker = await quick.hash("pw");
    expect(await bunPasswords.verify("pw", fromWorker)).toBe(true);
    expect(await bunPasswords.verify("nope", fromWorker)).toBe(false);
  });

  test("PASSWORD_HASH=pbkdf2-sha256 makes hashes a Worker can verify", async () => {
    const hash = await createBunPasswords("pbkdf2-sha256").hash("pw");
    expect(hashAlgorithm(hash)).toBe("pbkdf2-sha256");
    expect(await createWebCryptoPasswords({ maxIterations: PBKDF2_MAX_ITERATIONS }).verify("pw", hash)).toBe(
      true,
    );
  });
});
