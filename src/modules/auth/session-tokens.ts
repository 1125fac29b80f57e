import type { AccountRow } from "../../db/schema/accounts.ts";
import type { AuthContext } from "./auth.context.ts";
import type { Tokens } from "./auth.schemas.ts";
import type { IssuedRefreshToken } from "./refresh-tokens.ts";

type SignedIn = Pick<AccountRow, "id" | "email" | "role" | "emailVerified" | "tokenGeneration">;

/** The answer of a sign-in: an access token of the account's current generation, and the session's refresh token. */
export async function tokensFor(
  ctx: AuthContext,
  account: SignedIn,
  refresh: IssuedRefreshToken,
): Promise<Tokens> {
  const access = await ctx.tokens.issueAccessToken(
    account.id,
    account.role,
    account.email,
    account.tokenGeneration,
  );
  return {
    accessToken: access.token,
    tokenType: "Bearer",
    expiresIn: Math.round((access.expiresAt.getTime() - ctx.deps.clock.now().getTime()) / 1000),
    refreshToken: refresh.token,
    refreshExpiresAt: refresh.expiresAt,
    account: {
      id: account.id,
      email: account.email,
      role: account.role,
      emailVerified: account.emailVerified,
    },
  };
}
