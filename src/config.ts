import { z } from "zod";

/** Duration written as seconds ("900") or with a unit ("15m", "30d"). */
const duration = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)?$/, "must be a number of seconds or a number followed by s, m, h or d")
  .transform((v) => {
    const n = Number.parseInt(v, 10);
    const unit = v.trim().slice(-1);
    const factor = unit === "m" ? 60 : unit === "h" ? 3600 : unit === "d" ? 86400 : 1;
    return n * factor;
  });

const csv = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

const boolish = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|libsql:|https?:|wss?:|:memory:)/, "must be a libSQL URL (file:, libsql:, https:, ws:)")
      .default("file:./data/angelshare.db"),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    JWT_PRIVATE_KEY: z.string().optional(),
    JWT_PUBLIC_KEY: z.string().optional(),
    JWT_KEY_ALG: z.enum(["ES256", "EdDSA", "RS256"]).default("ES256"),
    JWT_ISSUER: z.string().default("angelshare"),
    JWT_AUDIENCE: z.string().default("angelshare-api"),
    /** pbkdf2-sha256 when the database is shared with a Cloudflare Worker (Workers cannot verify argon2id). */
    PASSWORD_HASH: z.enum(["argon2id", "pbkdf2-sha256"]).default("argon2id"),
    ACCESS_TOKEN_TTL: duration.default(900),
    REFRESH_TOKEN_TTL: duration.default(30 * 86400),
    OIDC_ISSUER: z.url().optional(),
    OIDC_AUDIENCE: z.string().optional(),
    OIDC_JWKS_URL: z.url().optional(),
    OIDC_ROLE_CLAIM: z.string().default("role"),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
    CORS_ORIGINS: csv.default([]),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    SEED_DEMO: boolish.default(true),
    /** Extra words that hold a review for staff, beyond the built-in list. */
    REVIEW_BANNED_WORDS: csv.default([]),
    /** How often the background job refreshes queued recommendations (Bun); "0" turns it off. */
    RECOMMENDATIONS_REFRESH_INTERVAL: duration.default(2),
  })
  .superRefine((c, ctx) => {
    if (c.JWT_PRIVATE_KEY && !c.JWT_PUBLIC_KEY) {
      ctx.addIssue({ code: "custom", path: ["JWT_PUBLIC_KEY"], message: "is required with JWT_PRIVATE_KEY" });
    }
    if ((c.OIDC_ISSUER || c.OIDC_JWKS_URL) && !(c.OIDC_ISSUER && c.OIDC_JWKS_URL && c.OIDC_AUDIENCE)) {
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "OIDC_ISSUER, OIDC_AUDIENCE and OIDC_JWKS_URL go together",
      });
    }
    if (Boolean(c.ADMIN_EMAIL) !== Boolean(c.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: "custom",
        path: ["ADMIN_EMAIL"],
        message: "ADMIN_EMAIL and ADMIN_PASSWORD go together",
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Parses the environment once; each bad value gets its own line naming the variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`));
  }
  return result.data;
}
