import type { Deps, MailMessage, PasswordHasher } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import type { TokenService } from "../../http/tokens.ts";
import { type AccountsService, isUniqueViolation, normaliseEmail } from "../accounts/index.ts";
import { type LoginInput, REGISTER_ACCEPTED, type RegisterInput, type Tokens } from "./auth.schemas.ts";
import { createGuessThrottle } from "./guess-throttle.ts";
import { createRefreshTokenStore, type IssuedRefreshToken } from "./refresh-tokens.ts";

type AccountRef = { id: string; email: string; role: Tokens["account"]["role"] };

const wrongCredentials = () => new DomainError("invalid-credentials", "The e-mail or the password is wrong.");

const refreshRefused = (detail: string) => new DomainError("invalid-refresh-token", detail);

/**
 * A hash of a random password with the hasher's own algorithm and cost, made once per hasher. Logins
 * for e-mails that have no account verify against it, so they cost what a wrong password costs.
 */
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();
function dummyHashFor(passwords: PasswordHasher): Promise<string> {
  let hash = dummyHashes.get(passwords);
  if (!hash) {
    hash = passwords.hash(crypto.randomUUID());
    dummyHashes.set(passwords, hash);
  }
  return hash;
}

const existingAccountNotice = (to: string): MailMessage => ({
  to,
  subject: "Someone tried to register with your e-mail address",
  text:
    "Someone (perhaps you) asked to register a new Angel's Share account with this e-mail address, " +
    "which already has an account, so nothing was changed. If it was you, sign in with your password. " +
    "If it was not, you can ignore this message.",
});

const welcomeNotice = (to: string): MailMessage => ({
  to,
  subject: "Welcome to Angel's Share",
  text: "Your Angel's Share account is ready: sign in with this e-mail address and the password you chose.",
});

export type AuthPorts = {
  accounts: AccountsService;
  tokens: TokenService;
};

/** Registration, sign-in and sessions (rotating refresh tokens); the HTTP layer only passes the client key. */
export function createAuthService(deps: Deps, ports: AuthPorts) {
  const { accounts, tokens } = ports;
  const throttle = createGuessThrottle(deps.rateLimiter);
  const refreshTokens = createRefreshTokenStore(deps);

  /** Mail never decides the answer: a failure is logged and the caller hears the same as ever. */
  async function notify(message: MailMessage) {
    try {
      await deps.mailer?.send(message);
    } catch (err) {
      deps.logger.log("error", { msg: "mail failed", subject: message.subject, err: String(err) });
    }
  }

  /**
   * Creates a customer account when the e-mail is new. The answer is the same either way, and so is the
   * work: an e-mail that has an account still gets its password hashed (then thrown away), so neither
   * the body nor the time tells whether it was registered. The address's owner is told by e-mail.
   */
  async function register(input: RegisterInput, client: string) {
    await throttle.registration(client);
    const email = normaliseEmail(input.email);
    if (await accounts.findByEmail(email)) {
      await deps.passwords.hash(input.password);
      await notify(existingAccountNotice(email));
      return REGISTER_ACCEPTED;
    }
    try {
      await accounts.createAccount({ email, password: input.password, role: "customer", name: input.name });
      await notify(welcomeNotice(email));
    } catch (err) {
      // Registered by a concurrent request between the look-up and the insert: the same as existing.
      if (!isUniqueViolation(err, "accounts.email")) throw err;
      await notify(existingAccountNotice(email));
    }
    return REGISTER_ACCEPTED;
  }

  async function tokensFor(account: AccountRef, refresh: IssuedRefreshToken): Promise<Tokens> {
    const access = await tokens.issueAccessToken(account.id, account.role, account.email);
    return {
      accessToken: access.token,
      tokenType: "Bearer",
      expiresIn: Math.round((access.expiresAt.getTime() - deps.clock.now().getTime()) / 1000),
      refreshToken: refresh.token,
      refreshExpiresAt: refresh.expiresAt,
      account: { id: account.id, email: account.email, role: account.role },
    };
  }

  /**
   * Wrong e-mail and wrong password are the same 401 at the same cost (a missing account is checked
   * against a dummy hash). Failures count per e-mail and per client; over either limit the answer is
   * 429 before any password is checked. A disabled account hears so only with its right password.
   */
  async function login(input: LoginInput, client: string): Promise<Tokens> {
    const email = normaliseEmail(input.email);
    await throttle.beforeLogin(email, client);
    const dummy = dummyHashFor(deps.passwords);
    const account = await accounts.findByEmail(email);
    const valid = await deps.passwords.verify(input.password, account?.passwordHash ?? (await dummy));
    if (!account?.passwordHash || !valid) {
      await throttle.loginFailed(email, client);
      throw wrongCredentials();
    }
    if (account.disabled) {
      throw new DomainError("account-disabled", "This account is disabled; ask the shop for help.");
    }
    await throttle.loginSucceeded(email, client);
    await refreshTokens.pruneExpired(account.id);
    return tokensFor(account, await refreshTokens.issue(account.id));
  }

  /**
   * Trades a live refresh token for new tokens in the same family. A token that was already rotated or
   * revoked coming back means a copy is loose (or the session ended): the whole family is revoked, so
   * whoever holds the newest token must sign in again too.
   */
  async function refresh(token: string): Promise<Tokens> {
    const row = await refreshTokens.find(token);
    if (!row) throw refreshRefused("The refresh token is not valid.");
    if (row.rotatedAt || row.revokedAt) {
      if (!row.revokedAt) {
        deps.logger.log("warn", { msg: "refresh token reused; session revoked", accountId: row.accountId });
      }
      await refreshTokens.revokeFamily(row.familyId);
      throw refreshRefused("This refresh token was already used or its session has ended: sign in again.");
    }
    if (row.expiresAt <= deps.clock.now().toISOString()) {
      throw refreshRefused("The refresh token has expired: sign in again.");
    }
    const account = await accounts.findById(row.accountId);
    if (!account || account.disabled) {
      await refreshTokens.revokeFamily(row.familyId);
      throw refreshRefused("The refresh token's account is disabled or gone.");
    }
    const next = await refreshTokens.rotate(row);
    if (!next) {
      // Another request rotated it a moment ago: the same token used twice.
      await refreshTokens.revokeFamily(row.familyId);
      throw refreshRefused("This refresh token was already used or its session has ended: sign in again.");
    }
    return tokensFor(account, next);
  }

  /** Ends the token's session (its whole family). Unknown or already ended tokens are fine: nothing to do. */
  async function logout(token: string): Promise<void> {
    const row = await refreshTokens.find(token);
    if (row) await refreshTokens.revokeFamily(row.familyId);
  }

  return { register, login, refresh, logout };
}

export type AuthService = ReturnType<typeof createAuthService>;
