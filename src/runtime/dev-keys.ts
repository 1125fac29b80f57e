import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "../deps.ts";
import { generateSigningJwk } from "../modules/provenance/signing-key.ts";

/** The directory of the embedded libSQL file, or null when the database is remote or in memory. */
export function localDataDirectory(config: Config): string | null {
  if (!config.DATABASE_URL.startsWith("file:")) return null;
  return dirname(config.DATABASE_URL.slice("file:".length).split("?")[0]!);
}

/**
 * Writes a generated secret to `file` (mode 0600) unless the file is there already. `wx` makes the first
 * writer win when the server and the token CLI start together, so both read the same secret.
 */
function keepOnce(file: string, generate: () => string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, generate(), { mode: 0o600, flag: "wx" });
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * The embedded default signs provenance checkpoints with a development key kept beside its database
 * (data/provenance-key.jwk), so checkpoints made across restarts verify against one published key. Never in
 * production, where a key must be configured (PROVENANCE_SIGNING_KEY); without one no checkpoint is made.
 */
export async function withDevProvenanceKey(config: Config, logger: Logger): Promise<Config> {
  if (config.PROVENANCE_SIGNING_KEY) return config;
  const dir = localDataDirectory(config);
  if (config.NODE_ENV === "production" || !dir) {
    logger.log("warn", {
      msg: "PROVENANCE_SIGNING_KEY is not set: no provenance checkpoints will be signed",
    });
    return config;
  }
  const file = join(dir, "provenance-key.jwk");
  if (!existsSync(file)) {
    const jwk = await generateSigningJwk();
    keepOnce(file, () => jwk);
    logger.log("info", { msg: "generated a development provenance signing key", file });
  }
  return { ...config, PROVENANCE_SIGNING_KEY: readFileSync(file, "utf8").trim() };
}

/** Where the embedded default keeps its development JWT secret: beside the database, outside git. */
export const DEV_JWT_SECRET_FILE = "jwt-secret";

/**
 * The embedded default's JWT secret when none is configured: generated once into the data directory
 * (data/jwt-secret), so the server and `npm run token` on the same database sign and verify with one key,
 * and tokens outlive a restart. Production never gets here (config refuses NODE_ENV=production without a
 * secret); a remote or in-memory database keeps a random key per process, as there is no data directory.
 */
export function withDevJwtSecret(config: Config): { config: Config; file: string | null } {
  if (config.JWT_SECRET || config.JWT_PRIVATE_KEY || config.NODE_ENV === "production") {
    return { config, file: null };
  }
  const dir = localDataDirectory(config);
  if (!dir || config.DATABASE_URL.includes(":memory:")) return { config, file: null };
  const file = join(dir, DEV_JWT_SECRET_FILE);
  const secret = keepOnce(file, () =>
    Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64url"),
  );
  if (secret.length < 32) {
    throw new Error(
      `${file} holds no usable JWT secret (under 32 characters); delete it to have a new one made.`,
    );
  }
  return { config: { ...config, JWT_SECRET: secret }, file };
}
