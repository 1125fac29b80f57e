import type { BatchedLoader } from "../../db/coalesce.ts";
import type { ReadCache } from "../../db/read-cache.ts";
import type { Role } from "../../db/schema/accounts.ts";
import type { Deps } from "../../deps.ts";
import type { Principal } from "../../http/auth.ts";
import type { AuditService } from "../audit/audit.service.ts";

/** The four fields of an account a token's caller needs, read for every new token a request brings. */
export type TokenAccount = { id: string; role: Role; email: string; disabled: boolean; generation: number };

/** What every accounts operation takes: the runtime's parts, the audit log, and the callers it remembers. */
export type AccountsContext = {
  deps: Deps;
  /** Account changes are recorded in the same atomic batch as the change itself. */
  audit: Pick<AuditService, "entry">;
  /** Built by callerCaches (callers.ts): every request needs its caller. */
  callers: {
    principals: ReadCache<string, { principal: Principal; expiresAt: number }>;
    tokenAccounts: BatchedLoader<string, TokenAccount>;
  };
};
