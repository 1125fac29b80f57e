import { and, eq, isNull } from "drizzle-orm";
import { isUniqueViolation } from "../../db/constraint-errors.ts";
import { accounts, accountTokens } from "../../db/schema/accounts.ts";
import { canonicalEmail } from "../../db/schema/email-canonical.ts";
import { DomainError, invalidFields } from "../../domain-error.ts";
import type { Principal } from "../../http/auth.ts";
import { normaliseEmail } from "../accounts/index.ts";
import {
  addressTakenMail,
  confirmNewAddressMail,
  emailChangedMail,
  emailChangeRequestedMail,
  sendMail,
  verifyAddressMail,
  welcomeMail,
} from "./account-mail.ts";
import {
  issueAccountToken,
  stillUsable,
  tokenRaceLost,
  usableAccountToken,
  useUp,
} from "./account-tokens.ts";
import type { AuthContext } from "./auth.context.ts";
import type { ChangeEmailInput } from "./lifecycle.schemas.ts";
import { EMAIL_CHANGE_PENDING_MESSAGE } from "./lifecycle.schemas.ts";
import { LIFECYCLE_LIMITS, spend } from "./lifecycle-limits.ts";
import { confirmPassword } from "./passwords.ts";

/**
 * Proving an address: at registration (the welcome mail carries the link), again on request, and for a new
 * address, which becomes the account's only when its link is opened. `accounts.email_verified` is what
 * releases with `requireVerifiedEmail` read.
 */

/** Sends a link that verifies the account's current address (the welcome mail at registration). */
export async function sendVerification(
  ctx: AuthContext,
  account: { id: string; email: string },
  kind: "welcome" | "again",
) {
  const { deps } = ctx;
  const issued = await issueAccountToken(deps, {
    accountId: account.id,
    purpose: "verify_email",
    email: account.email,
    ttlSeconds: deps.config.EMAIL_VERIFICATION_TTL,
  });
  const mail = kind === "welcome" ? welcomeMail : verifyAddressMail;
  await sendMail(deps, mail(deps.config, account.email, issued.token));
  return issued;
}

/** A new verification link for the caller's own address (earlier ones stop working); limited per account. */
export async function resendVerification(ctx: AuthContext, caller: Principal) {
  const account = await ctx.accounts.findById(caller.id);
  if (!account) throw new DomainError("not-found", "The caller's account was not found.");
  if (account.emailVerified)
    throw new DomainError("conflict", "The account's e-mail address is already verified.");
  await spend(
    ctx.deps.rateLimiter,
    `auth:verify-mail:account:${account.id}`,
    LIFECYCLE_LIMITS.verificationMailsPerAccount,
    "verification mails for this account",
  );
  const issued = await sendVerification(ctx, account, "again");
  return { status: "sent" as const, email: account.email, expiresAt: issued.expiresAt };
}

const emailTaken = () =>
  new DomainError("email-taken", "Another account took this address since the link was sent.", {
    errors: [{ path: "token", message: "names an address another account now has" }],
  });

/**
 * Uses a verification link: the account's address is verified, or, for a change of e-mail, the new address
 * becomes the account's (verified) and the old one is told. Single use, in one guarded batch.
 */
export async function verifyEmail(ctx: AuthContext, token: string, client: string) {
  const { deps, accounts: accountsService } = ctx;
  const { db, clock } = deps;
  await spend(
    deps.rateLimiter,
    `auth:email-token:client:${client}`,
    LIFECYCLE_LIMITS.tokenUsesPerClient,
    "uses of e-mailed links from this client",
  );
  const row = await usableAccountToken(deps, token, ["verify_email", "change_email"]);
  const account = await accountsService.findById(row.accountId);
  if (!account || account.disabled) {
    throw new DomainError("invalid-email-token", "This link's account is disabled or no longer exists.");
  }
  const now = clock.now().toISOString();
  const guard = stillUsable(db, row, now);

  if (row.purpose === "verify_email") {
    if (account.email !== row.email) {
      throw new DomainError(
        "invalid-email-token",
        "This link was sent to an address the account no longer has.",
      );
    }
    const [, used] = await db.batch([
      db
        .update(accounts)
        .set({ emailVerified: true, updatedAt: now })
        .where(and(eq(accounts.id, account.id), eq(accounts.email, row.email), guard)),
      useUp(db, row, now),
    ]);
    if (used.rowsAffected !== 1) throw tokenRaceLost();
    return { email: row.email, emailVerified: true as const };
  }

  try {
    const [, , used] = await db.batch([
      db
        .update(accounts)
        .set({ email: row.email, emailVerified: true, updatedAt: now })
        .where(and(eq(accounts.id, account.id), guard)),
      // Links sent to the old address (to verify it, or reset its password) no longer reach this account.
      db
        .update(accountTokens)
        .set({ usedAt: now })
        .where(
          and(
            eq(accountTokens.accountId, account.id),
            isNull(accountTokens.usedAt),
            eq(accountTokens.email, account.email),
            guard,
          ),
        ),
      useUp(db, row, now),
    ]);
    if (used.rowsAffected !== 1) throw tokenRaceLost();
  } catch (err) {
    if (isUniqueViolation(err, "accounts.email")) throw emailTaken();
    throw err;
  }
  // Its access tokens name the old address: the next request reads the account afresh.
  accountsService.forgetCachedCallers(account.id);
  await sendMail(deps, emailChangedMail(account.email, row.email));
  return { email: row.email, emailVerified: true as const };
}

/**
 * Starts moving the caller's account to another address, confirmed by the caller's password. The new
 * address gets a link and the current one a notice; nothing changes until the link is opened. When another
 * account has the new address, its owner is told instead, and the answer is the same (no probing).
 */
export async function requestEmailChange(ctx: AuthContext, caller: Principal, input: ChangeEmailInput) {
  const { deps } = ctx;
  const account = await confirmPassword(ctx, caller.id, input.password);
  const email = normaliseEmail(input.newEmail);
  if (canonicalEmail(email) === canonicalEmail(account.email)) {
    throw invalidFields([{ path: "newEmail", message: "is the account's e-mail already" }]);
  }
  await spend(
    deps.rateLimiter,
    `auth:email-change:account:${account.id}`,
    LIFECYCLE_LIMITS.emailChangesPerAccount,
    "changes of e-mail for this account",
  );
  const owner = await ctx.accounts.findByEmail(email);
  if (owner) {
    await sendMail(deps, addressTakenMail(owner.email));
  } else {
    const issued = await issueAccountToken(deps, {
      accountId: account.id,
      purpose: "change_email",
      email,
      ttlSeconds: deps.config.EMAIL_VERIFICATION_TTL,
    });
    await sendMail(deps, confirmNewAddressMail(deps.config, email, issued.token));
  }
  await sendMail(deps, emailChangeRequestedMail(account.email, email));
  return { status: "pending" as const, email, message: EMAIL_CHANGE_PENDING_MESSAGE };
}
