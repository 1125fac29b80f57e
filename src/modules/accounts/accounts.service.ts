/**
 * The accounts module's operations, bound to one context. Each lives in the file of its concern, as a plain
 * function taking the context: account-records.ts (creating and finding rows), account-views.ts and
 * account-changes.ts (what admins see and change), callers.ts (the caller behind a token) with
 * external-accounts.ts (OIDC subjects), configured-admin.ts.
 */
import type { Role } from "../../db/schema/accounts.ts";
import type { Deps } from "../../deps.ts";
import type { Principal } from "../../http/auth.ts";
import type { VerifiedToken } from "../../http/tokens.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { createStaffAccount, updateAccount } from "./account-changes.ts";
import { createAccount, findByEmail, findById, type NewAccount } from "./account-records.ts";
import { getAccount, listAccounts } from "./account-views.ts";
import type { AccountsContext } from "./accounts.context.ts";
import type { AccountPatch, NewStaffAccount } from "./accounts.schemas.ts";
import { callerCaches, forgetCallersOf, principalFor, principalForToken } from "./callers.ts";
import { ensureAdmin } from "./configured-admin.ts";

/** `audit` is the audit log's service: account changes are recorded in the same batch as the change. */
export function createAccountsService(deps: Deps, audit: Pick<AuditService, "entry">) {
  const ctx: AccountsContext = { deps, audit, callers: callerCaches(deps) };
  return {
    createAccount: (input: NewAccount, options?: { actorId?: string }) => createAccount(ctx, input, options),
    createStaffAccount: (input: NewStaffAccount, actor: Principal) => createStaffAccount(ctx, input, actor),
    ensureAdmin: (email: string, password: string) => ensureAdmin(ctx, email, password),
    /**
     * Call after changing an account's credentials, e-mail or token generation behind this service's back
     * (auth's lifecycle, erasure): the callers remembered for its tokens are dropped, so the change applies
     * to the next request here (other processes: within PRINCIPAL_CACHE_MS).
     */
    forgetCachedCallers: (accountId: string) => forgetCallersOf(ctx, accountId),
    findByEmail: (email: string) => findByEmail(ctx, email),
    findById: (id: string) => findById(ctx, id),
    getAccount: (id: string) => getAccount(ctx, id),
    listAccounts: (query: { role?: Role; limit: number; cursor?: string }) => listAccounts(ctx, query),
    principalFor: (token: VerifiedToken) => principalFor(ctx, token),
    principalForToken: (token: string, verify: (token: string) => Promise<VerifiedToken>) =>
      principalForToken(ctx, token, verify),
    updateAccount: (id: string, patch: AccountPatch, actor: Principal) =>
      updateAccount(ctx, id, patch, actor),
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
