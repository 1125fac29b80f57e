import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { accounts, refreshTokens } from "../../db/schema/accounts.ts";
import type { Principal } from "../../http/auth.ts";
import type { AuthContext } from "./auth.context.ts";

/**
 * What ending every session of an account takes, as statements for the caller's atomic batch: every
 * refresh token is revoked (no session can be refreshed), and the account's token generation moves on, so
 * every access token issued before is refused at its next use (accounts.principalFor compares the token's
 * `gen`). Callers then drop the account's cached callers (accounts.forgetCachedCallers); another process
 * sees the change within its few seconds of caching. `guard` makes both conditional (a single-use token).
 *
 * The first statement answers the new generation (`returning`), for a caller that signs the account in
 * again at once.
 */
export function endAllSessions(db: Database, accountId: string, nowIso: string, guard?: SQL) {
  return [
    db
      .update(accounts)
      .set({ tokenGeneration: sql`${accounts.tokenGeneration} + 1`, updatedAt: nowIso })
      .where(guard ? and(eq(accounts.id, accountId), guard) : eq(accounts.id, accountId))
      .returning({ generation: accounts.tokenGeneration }),
    db
      .update(refreshTokens)
      .set({ revokedAt: nowIso })
      .where(
        and(
          eq(refreshTokens.accountId, accountId),
          isNull(refreshTokens.revokedAt),
          ...(guard ? [guard] : []),
        ),
      ),
  ] as const;
}

/**
 * Signs the caller out everywhere: every refresh token of the account is revoked and every access token
 * issued before stops working. A provider's (OIDC) access tokens are the provider's to end; only the
 * sessions we issued end here.
 */
export async function signOutEverywhere(ctx: AuthContext, caller: Principal): Promise<void> {
  const { db, clock } = ctx.deps;
  await db.batch([...endAllSessions(db, caller.id, clock.now().toISOString())]);
  ctx.accounts.forgetCachedCallers(caller.id);
}
