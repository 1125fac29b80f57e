import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "../deps.ts";
import { generateSigningJwk } from "../modules/provenance/signing-key.ts";

/**
 * The embedded default signs provenance checkpoints with a development key kept beside its database
 * (data/provenance-key.jwk), so checkpoints made across restarts verify against one published key. Never in
 * production, where a key must be configured (PROVENANCE_SIGNING_KEY); without one no checkpoint is made.
 */
export async function withDevProvenanceKey(config: Config, logger: Logger): Promise<Config> {
  if (config.PROVENANCE_SIGNING_KEY) return config;
  const local = config.DATABASE_URL.startsWith("file:") ? config.DATABASE_URL.slice("file:".length) : null;
  if (config.NODE_ENV === "production" || !local) {
    logger.log("warn", {
      msg: "PROVENANCE_SIGNING_KEY is not set: no provenance checkpoints will be signed",
    });
    return config;
  }
  const file = join(dirname(local), "provenance-key.jwk");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await generateSigningJwk(), { mode: 0o600 });
    chmodSync(file, 0o600);
    logger.log("info", { msg: "generated a development provenance signing key", file });
  }
  return { ...config, PROVENANCE_SIGNING_KEY: readFileSync(file, "utf8").trim() };
}
