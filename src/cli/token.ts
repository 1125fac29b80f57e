// `npm run token -- --role staff [--email x] [--ttl 8h]`: prints an access token for development.
// The token alone goes to stdout (so `TOKEN=$(npm run -s token -- --role staff)` works); the rest to stderr.
import { parseArgs } from "node:util";
import { ConfigError, configSchema, parseConfig } from "../config.ts";
import { openLocalDatabase } from "../db/local.ts";
import { runMigrations } from "../db/migrate.ts";
import type { Role } from "../db/schema/accounts.ts";
import { type Deps, jsonLogger, systemClock } from "../deps.ts";
import { TokenService } from "../http/tokens.ts";
import { createAccountsService } from "../modules/accounts/accounts.service.ts";
import { createAuditService } from "../modules/audit/audit.service.ts";
import { createBunPasswords } from "../runtime/bun-passwords.ts";
import { withDevJwtSecret } from "../runtime/dev-keys.ts";

const ROLES: readonly Role[] = ["customer", "staff", "admin"];
const USAGE = `Usage: npm run token -- --role <customer|staff|admin> [--email <address>] [--ttl <15m|8h|7d>]

Finds or creates the account (without a password) in DATABASE_URL and prints an access token for it.
The server must use the same JWT_SECRET (or JWT key pair) to accept the token. Without one, on a local
database file both use the development secret kept beside it (jwt-secret in the data directory).`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(1);
}

let args: { role?: string; email?: string; ttl?: string; help?: boolean };
try {
  args = parseArgs({
    options: {
      role: { type: "string", short: "r" },
      email: { type: "string", short: "e" },
      ttl: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
} catch (err) {
  fail((err as Error).message);
}
if (args.help) {
  console.error(USAGE);
  process.exit(0);
}
const role = args.role as Role | undefined;
if (!role || !ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(", ")}.`);
const email = (args.email ?? `${role}@dev.angelshare.local`).trim().toLowerCase();
if (!/^[^\s@]+@[^\s@]+$/.test(email)) fail(`--email ${email} is not an e-mail address.`);

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env);
  if (args.ttl) config = { ...config, ACCESS_TOKEN_TTL: configSchema.shape.ACCESS_TOKEN_TTL.parse(args.ttl) };
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  fail(`--ttl ${args.ttl} must be a number of seconds or a number followed by s, m, h or d.`);
}

// On the embedded default, the development secret the server on this data directory uses too.
const devJwt = withDevJwtSecret(config);
config = devJwt.config;
if (!config.JWT_SECRET && !config.JWT_PRIVATE_KEY) {
  console.error(
    "WARNING: JWT_SECRET is not set and the database is not a local file, so there is no data directory\n" +
      "to share a development secret through: this token is signed with a throwaway key and the server\n" +
      "will REFUSE it. Set the same JWT_SECRET (32+ characters) for this command and for the server.\n",
  );
}

const database = await openLocalDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
try {
  await runMigrations(database.db);
  // The accounts and audit services use only these deps (no stock, no sockets).
  const deps = {
    config,
    ...database,
    clock: systemClock,
    passwords: createBunPasswords(config.PASSWORD_HASH),
    logger: jsonLogger("warn"),
  } as Partial<Deps> as Deps;
  const accounts = createAccountsService(deps, createAuditService(deps));

  const existing = await accounts.findByEmail(email);
  if (existing && existing.role !== role) {
    fail(`${email} is already a ${existing.role} account; pass another --email for a ${role} token.`);
  }
  if (existing?.disabled) fail(`${email} is disabled; an admin must enable it first.`);
  const account = existing ?? (await accounts.createAccount({ email, role, name: `Development ${role}` }));

  const tokens = new TokenService(config, () => new Date());
  const { token, expiresAt } = await tokens.issueAccessToken(
    account.id,
    role,
    account.email,
    existing?.tokenGeneration ?? 0,
  );
  console.error(
    `${existing ? "Found" : "Created"} ${role} account ${account.id} <${account.email}> in ${config.DATABASE_URL}.\n` +
      `The token expires at ${expiresAt.toISOString()}. Use it as:  Authorization: Bearer <token>\n` +
      (devJwt.file ? `Signed with the development secret in ${devJwt.file} (the server uses it too).\n` : ""),
  );
  console.log(token);
} finally {
  database.client.close();
}
