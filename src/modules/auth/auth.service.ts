import { isUniqueViolation } from "../../db/constraint-errors.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import type { Principal } from "../../http/auth.ts";
import type { TokenService } from "../../http/tokens.ts";
import { type AccountsService, normaliseEmail } from "../accounts/index.ts";
import { existingAccountMail, sendMail } from "./account-mail.ts";
import type { AuthContext } from "./auth.context.ts";
import { type LoginInput, REGISTER_ACCEPTED, type RegisterInput, type Tokens } from "./auth.schemas.ts";
import { dummyHashFor } from "./dummy-hash.ts";
import {
  requestEmailChange,
  resendVerification,
  sendVerification,
  verifyEmail,
} from "./email-verification.ts";
import { createGuessThrottle } from "./guess-throttle.ts";
import type { ChangeEmailInput, ChangePasswordInput, ResetPasswordInput } from "./lifecycle.schemas.ts";
import { changePassword, confirmPassword, requestPasswordReset, resetPassword } from "./passwords.ts";
import { createRefreshTokenStore } from "./refresh-tokens.ts";
import { tokensFor } from "./session-tokens.ts";
import { signOutEverywhere } from "./sessions.ts";

const wrongCredentials = () => new DomainError("invalid-credentials", "The e-mail or the password is wrong.");

const refreshRefused = (detail: string) => new DomainError("invalid-refresh-token", detail);

export type AuthPorts = {
  accounts: AccountsService;
  tokens: TokenService;
};

/**
 * Registration, sign-in and sessions (rotating refresh tokens), and the account's lifecycle (verifying the
 * address, resetting and changing the password, changing the e-mail, signing out everywhere); the HTTP
 * layer only passes the client key.
 */
export function createAuthService(deps: Deps, ports: AuthPorts) {
  const { accounts } = ports;
  const throttle = createGuessThrottle(deps.rateLimiter);
  const refreshTokens = createRefreshTokenStore(deps);
  const ctx: AuthContext = { deps, accounts, tokens: ports.tokens, throttle, refreshTokens };

  /**
   * Creates a customer account when the e-mail is new. The answer is the same either way, and so is the
   * work: an e-mail that has an account still gets its password hashed (then thrown away), so neither
   * the body nor the time tells whether it was registered. The address's owner is told by e-mail.
   */
  async function register(input: RegisterInput, client: string) {
    await throttle.registration(client);
    const email = normaliseEmail(input.email);
    // The mailbox decides, not the spelling: `Ada@…` or, at Gmail, `a.da+x@…` find `ada@…`'s account.
    const existing = await accounts.findByEmail(email);
    if (existing) {
      await deps.passwords.hash(input.password);
      await sendMail(deps, existingAccountMail(existing.email));
      return REGISTER_ACCEPTED;
    }
    try {
      const created = await accounts.createAccount({
        email,
        password: input.password,
        role: "customer",
        name: input.name,
      });
      // The welcome carries the link that verifies the address.
      await sendVerification(ctx, created, "welcome");
    } catch (err) {
      // Registered by a concurrent request between the look-up and the insert: the same as existing.
      if (!isUniqueViolation(err, "accounts.email")) throw err;
      await sendMail(deps, existingAccountMail(email));
    }
    return REGISTER_ACCEPTED;
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
    return tokensFor(ctx, account, await refreshTokens.issue(account.id));
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
    return tokensFor(ctx, account, next);
  }

  /** Ends the token's session (its whole family). Unknown or already ended tokens are fine: nothing to do. */
  async function logout(token: string): Promise<void> {
    const row = await refreshTokens.find(token);
    if (row) await refreshTokens.revokeFamily(row.familyId);
  }

  return {
    register,
    login,
    refresh,
    logout,
    verifyEmail: (token: string, client: string) => verifyEmail(ctx, token, client),
    resendVerification: (caller: Principal) => resendVerification(ctx, caller),
    requestEmailChange: (caller: Principal, input: ChangeEmailInput) =>
      requestEmailChange(ctx, caller, input),
    requestPasswordReset: (email: string, client: string) => requestPasswordReset(ctx, email, client),
    resetPassword: (input: ResetPasswordInput, client: string) => resetPassword(ctx, input, client),
    changePassword: (caller: Principal, input: ChangePasswordInput) => changePassword(ctx, caller, input),
    signOutEverywhere: (caller: Principal) => signOutEverywhere(ctx, caller),
    /** The caller's own password, checked (and throttled) before an irreversible step such as erasure. */
    confirmPassword: (accountId: string, password: string) => confirmPassword(ctx, accountId, password),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
