/** Who is calling: the account behind a verified token, remembered a few seconds per token. */
import { batchedLoader } from "../../db/coalesce.ts";
import { readRows } from "../../db/kept-read.ts";
import { readCache } from "../../db/read-cache.ts";
import type { Role } from "../../db/schema/accounts.ts";
import type { Deps } from "../../deps.ts";
import type { Principal } from "../../http/auth.ts";
import { TokenError, type VerifiedToken } from "../../http/tokens.ts";
import type { AccountsContext } from "./accounts.context.ts";
import { createExternal, findExternal } from "./external-accounts.ts";

/**
 * How long the caller behind a token is remembered. A disable or role change made through this service
 * drops its entries at once; one made by another process (or another service instance) is seen at most
 * this late, and a token's own expiry always counts.
 */
export const PRINCIPAL_CACHE_MS = 5_000;

export function callerCaches(deps: Deps): AccountsContext["callers"] {
  return {
    /** Bounded in size and time (PRINCIPAL_CACHE_MS). */
    principals: readCache({
      shareLoads: deps.sharedReads ?? false,
      ttlMs: PRINCIPAL_CACHE_MS,
      maxEntries: 10_000,
    }),
    // Plain SQL, only the four fields a caller needs, and one query for every new token that arrives at once
    // (a drop's buyers): this runs for every new token a request brings.
    tokenAccounts: batchedLoader(
      async (ids: string[]) => {
        const rows = await readRows(
          deps.client,
          "SELECT id, role, email, disabled, token_generation FROM accounts WHERE id IN (SELECT value FROM json_each(?))",
          [JSON.stringify(ids)],
        );
        return new Map(
          rows.map(([id, role, email, disabled, generation]) => [
            String(id),
            {
              id: String(id),
              role: String(role) as Role,
              email: String(email),
              disabled: Boolean(Number(disabled)),
              generation: Number(generation ?? 0),
            },
          ]),
        );
      },
      { shared: deps.sharedReads ?? false },
    ),
  };
}

/** Drops the callers remembered for the account's tokens: a change to it applies to the next request here. */
export const forgetCallersOf = ({ callers }: AccountsContext, accountId: string) =>
  callers.principals.deleteWhere((_, v) => v === undefined || v.principal.id === accountId);

/**
 * Turns a verified token into the caller. Our own tokens name the account; an OIDC provider's name its
 * subject, which gets (once) an account of its own so orders and wishlists have an owner. The role of
 * an OIDC caller comes from the provider's claim on each token, not from the account.
 */
export async function principalFor(ctx: AccountsContext, token: VerifiedToken): Promise<Principal> {
  if (token.source === "local") {
    const account = await ctx.callers.tokenAccounts.load(token.subject);
    // A TokenError becomes the 401 with WWW-Authenticate, like any other unusable token.
    if (!account || account.disabled)
      throw new TokenError("The token's account is disabled or no longer exists.");
    if ((token.generation ?? 0) < account.generation) {
      throw new TokenError(
        "The token's sessions were ended (signed out everywhere, or the password changed): sign in again.",
      );
    }
    return { id: account.id, role: account.role, email: account.email };
  }
  const subject = `oidc:${token.subject}`;
  const account = (await findExternal(ctx, subject)) ?? (await createExternal(ctx, subject, token));
  if (account.disabled) throw new TokenError("The token's account is disabled.");
  return { id: account.id, role: token.role, email: account.email };
}

/**
 * The caller behind a bearer token: `verify` checks it, `principalFor` finds its account, and the answer
 * is kept a few seconds (PRINCIPAL_CACHE_MS), so a client's burst of requests costs one verification and
 * one account read. The same token string verified before needs no new signature check; its expiry is
 * checked on every use against the app's clock.
 */
export async function principalForToken(
  ctx: AccountsContext,
  token: string,
  verify: (token: string) => Promise<VerifiedToken>,
): Promise<Principal> {
  const { principals } = ctx.callers;
  const known = await principals.get(token, async () => {
    const verified = await verify(token);
    return { principal: await principalFor(ctx, verified), expiresAt: verified.expiresAt };
  });
  if (known.expiresAt * 1000 <= ctx.deps.clock.now().getTime()) {
    principals.delete(token);
    // Verified afresh: says that it expired (or, with a skewed clock, answers like an uncached read).
    return principalFor(ctx, await verify(token));
  }
  return { ...known.principal };
}
