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

/** A whole number in bounds, with one message that says what is wanted (not "expected number, received NaN"). */
const wholeNumber = (min: number, max: number, message: string) =>
  z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);

/** A token lifetime: a duration, and never zero. */
const lifetime = duration.refine((seconds) => seconds > 0, "must be more than 0 seconds");

/** Browser origins as browsers send them: scheme and host (and port), no path, no trailing slash. */
const origins = csv.pipe(
  z.array(
    z.string().regex(/^https?:\/\/[^/\s?#]+$/, {
      error: (issue) =>
        `"${issue.input}" is not an origin like https://shop.example (no path, no trailing /)`,
    }),
  ),
);

export const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    PORT: wholeNumber(0, 65535, "must be a whole number from 0 to 65535").default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    /**
     * Bearer token for `GET /metrics` (Prometheus text, Bun) on the API's port. Without it, and without
     * METRICS_PORT, /metrics answers 404: metrics are never public by default.
     */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    /**
     * Serve /metrics on this port instead (Bun: a second listener on METRICS_HOST), where only the
     * scraper can reach it; the API's port then answers 404. METRICS_TOKEN, when set, is asked there too.
     */
    METRICS_PORT: wholeNumber(1, 65535, "must be a whole number from 1 to 65535").optional(),
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|libsql:|https?:|wss?:|:memory:)/, "must be a libSQL URL (file:, libsql:, https:, ws:)")
      .default("file:./data/angelshare.db"),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    /**
     * Who checkpoints the embedded file's WAL (Bun): `background`, a thread of the server's own, so commits
     * do not stop to copy pages (they still do past 10,000 pages, the bound); `inline`, SQLite's default
     * (the commit that takes the WAL past 1000 pages). Ignored for remote databases.
     */
    WAL_CHECKPOINT: z.enum(["background", "inline"]).default("background"),
    JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    JWT_PRIVATE_KEY: z.string().optional(),
    JWT_PUBLIC_KEY: z.string().optional(),
    JWT_KEY_ALG: z.enum(["ES256", "EdDSA", "RS256"]).default("ES256"),
    JWT_ISSUER: z.string().default("angelshare"),
    JWT_AUDIENCE: z.string().default("angelshare-api"),
    /** pbkdf2-sha256 when the database is shared with a Cloudflare Worker (Workers cannot verify argon2id). */
    PASSWORD_HASH: z.enum(["argon2id", "pbkdf2-sha256"]).default("argon2id"),
    ACCESS_TOKEN_TTL: lifetime.default(900),
    REFRESH_TOKEN_TTL: lifetime.default(30 * 86400),
    /** How long an e-mailed link that verifies an address (or confirms a new one) works. */
    EMAIL_VERIFICATION_TTL: lifetime.default(86400),
    /** How long an e-mailed password-reset link works. */
    PASSWORD_RESET_TTL: lifetime.default(3600),
    /**
     * Where links in e-mails point: the shop's front end, whose `/verify-email` and `/reset-password` pages
     * post the link's token to the API. Scheme and host (and port, path), no trailing slash needed.
     */
    PUBLIC_BASE_URL: z
      .url("must be a URL such as https://shop.example")
      .regex(/^https?:\/\//, "must be an http:// or https:// URL")
      .transform((v) => v.replace(/\/+$/, ""))
      .default("http://localhost:3000"),
    OIDC_ISSUER: z.url().optional(),
    OIDC_AUDIENCE: z.string().optional(),
    OIDC_JWKS_URL: z.url().optional(),
    OIDC_ROLE_CLAIM: z.string().default("role"),
    ADMIN_EMAIL: z.email("must be an e-mail address").optional(),
    ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
    CORS_ORIGINS: origins.default([]),
    /** Requests a minute each client may send to /api/v1 (bursts up to that many); 0 turns the limit off. */
    RATE_LIMIT_PER_MINUTE: wholeNumber(
      0,
      1_000_000,
      "must be a whole number of requests (0 turns it off)",
    ).default(600),
    /** Drop entries and queue joins a minute per account, and per client address; 0 turns either off. */
    DROP_ENTRIES_PER_MINUTE_ACCOUNT: wholeNumber(
      0,
      10_000,
      "must be a whole number (0 turns it off)",
    ).default(5),
    DROP_ENTRIES_PER_MINUTE_CLIENT: wholeNumber(
      0,
      100_000,
      "must be a whole number (0 turns it off)",
    ).default(30),
    /** How long a waitlist offer's order stays reserved for its customer before the bottles pass on. */
    WAITLIST_OFFER_MINUTES: wholeNumber(
      5,
      10_080,
      "must be a whole number of minutes from 5 to 10080",
    ).default(1_440),
    /** Orders placed a minute per account, and per client address; 0 turns either off. */
    ORDERS_PER_MINUTE_ACCOUNT: wholeNumber(0, 10_000, "must be a whole number (0 turns it off)").default(10),
    ORDERS_PER_MINUTE_CLIENT: wholeNumber(0, 100_000, "must be a whole number (0 turns it off)").default(60),
    /**
     * Seconds shared caches and browsers may keep a public catalog, search or review answer (`max-age`);
     * 0 sends `no-cache` (every use revalidated with its ETag).
     */
    HTTP_CACHE_MAX_AGE: wholeNumber(0, 86_400, "must be a whole number of seconds from 0 to 86400").default(
      10,
    ),
    /** Seconds past `max-age` a public catalog answer may still be served while it is revalidated; 0: none. */
    HTTP_CACHE_STALE_WHILE_REVALIDATE: wholeNumber(
      0,
      86_400,
      "must be a whole number of seconds from 0 to 86400",
    ).default(30),
    /** `max-age` of public stock answers (never served stale); 0 sends `no-cache`. */
    HTTP_CACHE_STOCK_MAX_AGE: wholeNumber(
      0,
      3600,
      "must be a whole number of seconds from 0 to 3600",
    ).default(1),
    /**
     * Milliseconds this process keeps hot spirit and stock reads in memory (Bun; 0 turns it off). Its own
     * writes drop what they change at once; this bounds what another process writing the same database
     * can leave stale. Always off on Workers (isolates do not see each other's writes).
     */
    READ_CACHE_MS: wholeNumber(0, 60_000, "must be a whole number of milliseconds from 0 to 60000").default(
      1000,
    ),
    /** Cloudflare Turnstile's secret: when set, drop entries need a `humanToken` Turnstile accepts. */
    TURNSTILE_SECRET: z.string().min(1).optional(),
    /** Milliseconds between heartbeats of the stock streams (WebSocket pings, SSE comment lines). */
    STOCK_STREAM_HEARTBEAT_MS: wholeNumber(
      100,
      600_000,
      "must be a whole number of milliseconds from 100 to 600000",
    ).default(30_000),
    /** Bytes a stock watcher may fall behind before it gets only the latest state. */
    STOCK_STREAM_BACKLOG_BYTES: wholeNumber(
      4096,
      16_777_216,
      "must be a whole number of bytes from 4096 to 16777216",
    ).default(65_536),
    /**
     * Stock WebSockets and event streams one client address may hold open at once (0: no cap). A shop
     * floor behind one NAT shares an address, hence more than an account gets.
     */
    STOCK_STREAMS_PER_CLIENT: wholeNumber(
      0,
      1_000_000,
      "must be a whole number of streams (0 turns the cap off)",
    ).default(100),
    /** Stock WebSockets and event streams one signed-in account may hold open at once (0: no cap). */
    STOCK_STREAMS_PER_ACCOUNT: wholeNumber(
      0,
      1_000_000,
      "must be a whole number of streams (0 turns the cap off)",
    ).default(20),
    /** Who takes payments online: `manual` (none; staff record offline payments) or `stripe`. */
    PAYMENT_PROVIDER: z.enum(["manual", "stripe"]).default("manual"),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_/, "must be a Stripe secret key (sk_… or rk_…)")
      .optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_/, "must be a webhook signing secret (whsec_…)")
      .optional(),
    /** Seconds a Stripe webhook's signed timestamp may be old (replays beyond it are refused). */
    STRIPE_WEBHOOK_TOLERANCE: wholeNumber(
      1,
      3600,
      "must be a whole number of seconds from 1 to 3600",
    ).default(300),
    /** Another Stripe API base (stripe-mock, a test server): http(s)://host:port. */
    STRIPE_API_BASE: z.url().optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    SEED_DEMO: boolish.default(true),
    /** Generated spirits added beside the demo catalog on a first start (0: none). */
    SEED_GENERATED_SPIRITS: z.coerce.number().int().min(0).max(1_000_000).default(300),
    /** Extra words that hold a review for staff, beyond the built-in list. */
    REVIEW_BANNED_WORDS: csv.default([]),
    /** Milliseconds between the event dispatcher's runs on Bun (it runs again at once while there is more). */
    EVENTS_DISPATCH_INTERVAL_MS: wholeNumber(
      10,
      600_000,
      "must be a whole number of milliseconds from 10 to 600000",
    ).default(500),
    /** Let webhook endpoints point at loopback, link-local and private addresses (tests, a private network). */
    WEBHOOKS_ALLOW_PRIVATE_URLS: boolish.default(false),
    /**
     * The mail server notifications and account e-mails go through (Bun only), as smtp://user:pass@host:port
     * or smtps:// for TLS from the start. Without it e-mails are log lines (the embedded default).
     */
    SMTP_URL: z
      .string()
      .regex(
        /^smtps?:\/\/[^\s/]+/,
        "must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example:587",
      )
      .optional(),
    /** The From of every e-mail. */
    MAIL_FROM: z.string().min(3).default("Angel's Share <no-reply@angelshare.invalid>"),
    /**
     * The public address of this API (not the shop's front end, PUBLIC_BASE_URL), for the links in
     * notification e-mails: one-click unsubscribe (RFC 8058 posts to it) and what each one is about.
     * Default http://HOST:PORT.
     */
    API_PUBLIC_URL: z
      .string()
      .regex(
        /^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/,
        "must be an http(s) URL without query, such as https://api.shop.example",
      )
      .transform((v) => v.replace(/\/+$/, ""))
      .optional(),
    /**
     * Signs one-click unsubscribe links (at least 32 characters). Without it the key is derived from
     * JWT_SECRET or JWT_PRIVATE_KEY, so set it to keep links working across a change of those.
     */
    UNSUBSCRIBE_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** How often the background job refreshes queued recommendations (Bun); "0" turns it off. */
    RECOMMENDATIONS_REFRESH_INTERVAL: duration.default(2),
    /**
     * The Ed25519 private key (a JWK, as JSON) that signs provenance checkpoints. On the embedded default a
     * development key is kept in the data directory instead; a Worker without one publishes no checkpoints.
     */
    PROVENANCE_SIGNING_KEY: z
      .string()
      .refine((v) => {
        try {
          const k = JSON.parse(v) as Record<string, unknown>;
          return k.kty === "OKP" && k.crv === "Ed25519" && typeof k.d === "string" && typeof k.x === "string";
        } catch {
          return false;
        }
      }, "must be an Ed25519 private key as a JWK (JSON with kty OKP, crv Ed25519, d and x)")
      .optional(),
  })
  .superRefine((c, ctx) => {
    // Without one each process would sign with its own random key: tokens die with it, and a second
    // server (or the token CLI) refuses the first one's.
    if (c.NODE_ENV === "production" && !c.JWT_SECRET && !c.JWT_PRIVATE_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_SECRET"],
        message:
          "is required with NODE_ENV=production: set JWT_SECRET (32+ characters) or JWT_PRIVATE_KEY with JWT_PUBLIC_KEY",
      });
    }
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
    if (c.PAYMENT_PROVIDER === "stripe") {
      for (const key of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] as const)
        if (!c[key])
          ctx.addIssue({ code: "custom", path: [key], message: "is required with PAYMENT_PROVIDER=stripe" });
    }
    if (Boolean(c.ADMIN_EMAIL) !== Boolean(c.ADMIN_PASSWORD)) {
      const missing = c.ADMIN_EMAIL ? "ADMIN_PASSWORD" : "ADMIN_EMAIL";
      ctx.addIssue({
        code: "custom",
        path: [missing],
        message: `is required with ${missing === "ADMIN_EMAIL" ? "ADMIN_PASSWORD" : "ADMIN_EMAIL"} (the admin account needs both)`,
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
    // The variable's name only: "CORS_ORIGINS", not "CORS_ORIGINS.0" for a list's item.
    throw new ConfigError(result.error.issues.map((i) => `${String(i.path[0] ?? "(env)")}: ${i.message}`));
  }
  return result.data;
}
