import type { Deps } from "../../deps.ts";
import type { TokenService } from "../../http/tokens.ts";
import type { AccountsService } from "../accounts/index.ts";
import type { GuessThrottle } from "./guess-throttle.ts";
import type { RefreshTokenStore } from "./refresh-tokens.ts";

/**
 * What the auth module's operations share, built once by createAuthService: each operation is a plain
 * function of its concern's file (sign-in in auth.service.ts; email-verification.ts, passwords.ts,
 * sign-out-everywhere in sessions.ts) taking this context.
 */
export type AuthContext = {
  deps: Deps;
  accounts: AccountsService;
  tokens: TokenService;
  throttle: GuessThrottle;
  refreshTokens: RefreshTokenStore;
};
