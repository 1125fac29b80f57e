import { and, eq } from "drizzle-orm";
import { type AccountRow, accounts } from "../../db/schema/accounts.ts";
import { canonicalEmail } from "../../db/schema/email-canonical.ts";
import { DomainError } from "../../domain-error.ts";
import type { Principal } from "../../http/auth.ts";
import { normaliseEmail } from "../accounts/index.ts";
import {
  passwordChangedMail,
  passwordResetMail,
  resetForDisabledMail,
  resetForUnknownMail,
  sendMail,
} from "./account-mail.ts";
import {
  issueAccountToken,
  stillUsable,
  tokenRaceLost,
  usableAccountToken,
  useUp,
} from "./account-tokens.ts";
import type { AuthContext } from "./auth.context.ts";
import type { Tokens } from "./auth.schemas.ts";
import { dummyHashFor } from "./dummy-hash.ts";
import { type ChangePasswordInput, RESET_ACCEPTED, type ResetPasswordInput } from "./lifecycle.schemas.ts";
import { LIFECYCLE_LIMITS, refuseWhenSpent, spend } from "./lifecycle-limits.ts";
import { tokensFor } from "./session-tokens.ts";
import { endAllSessions } from "./sessions.ts";

/**
 * The caller's own password, asked again before a change that a stolen access token alone must not make
 * (the password, the e-mail, erasure). Wrong answers count per account like failed sign-ins: over the
 * limit the answer is 429 before any password is checked. An account without a password (OpenID Connect,
 * development tokens) cannot confirm one: a password reset gives it one.
 */
export async function confirmPassword(
  ctx: AuthContext,
  accountId: string,
  password: string,
): Promise<AccountRow> {
  const { deps } = ctx;
  const key = `auth:confirm:account:${accountId}`;
  const policy = LIFECYCLE_LIMITS.wrongPasswordsPerAccount;
  await refuseWhenSpent(deps.rateLimiter, key, policy, "wrong passwords for this account");
  const account = await ctx.accounts.findById(accountId);
  if (!account) throw new DomainError("not-found", "The caller's account was not found.");
  const hash = account.passwordHash ?? (await dummyHashFor(deps.passwords));
  const valid = (await deps.passwords.verify(password, hash)) && Boolean(account.passwordHash);
  if (!valid) {
    await deps.rateLimiter.take(key, policy);
    throw new DomainError(
      "wrong-password",
      account.passwordHash
        ? "The password is wrong."
        : "This account has no password to confirm with: set one through a password reset first.",
      { errors: [{ path: "password", message: "is not the account's password" }] },
    );
  }
  await deps.rateLimiter.reset(key);
  return account;
}

/**
 * Sends a password-reset link. The answer is the same whether or not the address has an account, and so
 * is the work: the address gets a mail either way (a link, or word that no account has it), so neither the
 * body nor the time tells. Limited per client and per address (its mailbox, registered or not).
 */
export async function requestPasswordReset(ctx: AuthContext, emailInput: string, client: string) {
  const { deps } = ctx;
  const email = normaliseEmail(emailInput);
  await spend(
    deps.rateLimiter,
    `auth:reset:client:${client}`,
    LIFECYCLE_LIMITS.resetRequestsPerClient,
    "password-reset requests from this client",
  );
  await spend(
    deps.rateLimiter,
    `auth:reset:email:${canonicalEmail(email)}`,
    LIFECYCLE_LIMITS.resetRequestsPerEmail,
    "password-reset requests for this e-mail",
  );
  const account = await ctx.accounts.findByEmail(email);
  if (!account) {
    await sendMail(deps, resetForUnknownMail(email));
  } else if (account.disabled) {
    await sendMail(deps, resetForDisabledMail(account.email));
  } else {
    const issued = await issueAccountToken(deps, {
      accountId: account.id,
      purpose: "reset_password",
      email: account.email,
      ttlSeconds: deps.config.PASSWORD_RESET_TTL,
    });
    await sendMail(deps, passwordResetMail(deps.config, account.email, issued.token));
  }
  return RESET_ACCEPTED;
}

/**
 * Sets a new password with a reset link: single use, only while the account still has the address the link
 * went to. Every session ends (refresh tokens revoked, access tokens of older generations refused), the
 * address counts as verified (the link proved it), and the account's failed sign-ins are forgotten.
 */
export async function resetPassword(ctx: AuthContext, input: ResetPasswordInput, client: string) {
  const { deps } = ctx;
  const { db, clock } = deps;
  await spend(
    deps.rateLimiter,
    `auth:email-token:client:${client}`,
    LIFECYCLE_LIMITS.tokenUsesPerClient,
    "uses of e-mailed links from this client",
  );
  const row = await usableAccountToken(deps, input.token, ["reset_password"]);
  const account = await ctx.accounts.findById(row.accountId);
  if (!account || account.email !== row.email) {
    throw new DomainError(
      "invalid-email-token",
      "This link was sent to an address the account no longer has.",
    );
  }
  if (account.disabled) {
    throw new DomainError("account-disabled", "This account is disabled; ask the shop for help.");
  }
  const passwordHash = await deps.passwords.hash(input.password);
  const now = clock.now().toISOString();
  const guard = stillUsable(db, row, now);
  const results = await db.batch([
    db
      .update(accounts)
      .set({ passwordHash, emailVerified: true, updatedAt: now })
      .where(and(eq(accounts.id, account.id), eq(accounts.email, row.email), guard)),
    ...endAllSessions(db, account.id, now, guard),
    useUp(db, row, now),
  ]);
  if (results[3].rowsAffected !== 1) throw tokenRaceLost();
  ctx.accounts.forgetCachedCallers(account.id);
  await ctx.throttle.loginSucceeded(account.email, client);
  await deps.rateLimiter.reset(`auth:confirm:account:${account.id}`);
  await sendMail(deps, passwordChangedMail(account.email));
}

/**
 * Changes the caller's password, confirmed by the current one. Every session ends, this one too, and the
 * answer is a new one (fresh tokens), so the caller stays signed in and nobody else does.
 */
export async function changePassword(
  ctx: AuthContext,
  caller: Principal,
  input: ChangePasswordInput,
): Promise<Tokens> {
  const { deps } = ctx;
  const { db, clock } = deps;
  const account = await confirmPassword(ctx, caller.id, input.currentPassword);
  const passwordHash = await deps.passwords.hash(input.newPassword);
  const now = clock.now().toISOString();
  const [, bumped] = await db.batch([
    db.update(accounts).set({ passwordHash, updatedAt: now }).where(eq(accounts.id, account.id)),
    ...endAllSessions(db, account.id, now),
  ]);
  ctx.accounts.forgetCachedCallers(account.id);
  await sendMail(deps, passwordChangedMail(account.email));
  const generation = bumped[0]?.generation ?? account.tokenGeneration + 1;
  return tokensFor(
    ctx,
    { ...account, tokenGeneration: generation },
    await ctx.refreshTokens.issue(account.id),
  );
}
