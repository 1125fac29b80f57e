/** Accounts of callers signed in by an OIDC provider, found by the provider's subject. */
import { eq } from "drizzle-orm";
import { isUniqueViolation } from "../../db/constraint-errors.ts";
import { type AccountRow, accounts } from "../../db/schema/accounts.ts";
import { TokenError, type VerifiedToken } from "../../http/tokens.ts";
import { createAccount, findByEmail } from "./account-records.ts";
import type { AccountsContext } from "./accounts.context.ts";

export const findExternal = ({ deps }: AccountsContext, subject: string) =>
  deps.db.query.accounts.findFirst({ where: eq(accounts.externalSubject, subject) });

/**
 * The provider's e-mail is used only when no account has it yet: a provider is never allowed to take
 * over a local account by claiming its address. Two first requests at once both try to create; the
 * loser finds the winner's account.
 */
export async function createExternal(
  ctx: AccountsContext,
  subject: string,
  token: VerifiedToken,
): Promise<AccountRow> {
  const placeholder = `${token.subject}@oidc.invalid`;
  const email = token.email && !(await findByEmail(ctx, token.email)) ? token.email : placeholder;
  try {
    await createAccount(ctx, { email, role: "customer", externalSubject: subject });
  } catch (err) {
    if (isUniqueViolation(err, "accounts.email") && email !== placeholder) {
      try {
        await createAccount(ctx, { email: placeholder, role: "customer", externalSubject: subject });
      } catch (again) {
        if (!isUniqueViolation(again, "accounts.")) throw again;
      }
    } else if (!isUniqueViolation(err, "accounts.")) {
      throw err;
    }
  }
  const created = await findExternal(ctx, subject);
  if (!created) throw new TokenError("The token's subject could not be given an account.");
  return created;
}
