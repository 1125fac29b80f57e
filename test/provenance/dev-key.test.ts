/** The embedded default keeps one development signing key beside its database; production never makes one. */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config.ts";
import type { Logger } from "../../src/deps.ts";
import { withDevProvenanceKey } from "../../src/runtime/dev-keys.ts";

const quiet: Logger = { log: () => {} };

test("generated once in the data directory, then reused; never in production", async () => {
  const dir = mkdtempSync(join(tmpdir(), "angelshare-devkey-"));
  try {
    const env = { DATABASE_URL: `file:${join(dir, "data", "shop.db")}` };
    const first = await withDevProvenanceKey(parseConfig(env), quiet);
    expect(JSON.parse(first.PROVENANCE_SIGNING_KEY!)).toMatchObject({ kty: "OKP", crv: "Ed25519" });
    expect(statSync(join(dir, "data", "provenance-key.jwk")).mode & 0o777).toBe(0o600);
    const again = await withDevProvenanceKey(parseConfig(env), quiet);
    expect(again.PROVENANCE_SIGNING_KEY).toBe(first.PROVENANCE_SIGNING_KEY);
    const production = await withDevProvenanceKey(
      parseConfig({ ...env, NODE_ENV: "production", JWT_SECRET: "x".repeat(40) }),
      quiet,
    );
    expect(production.PROVENANCE_SIGNING_KEY).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
