import type { PasswordHasher } from "../deps.ts";

/** argon2id through Bun; the PHC string (`$argon2id$v=19$...`) names the algorithm for other runtimes. */
export const bunPasswords: PasswordHasher = {
  hash: (password) => Bun.password.hash(password, { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 }),
  async verify(password, hash) {
    try {
      return await Bun.password.verify(password, hash);
    } catch {
      return false;
    }
  },
};
