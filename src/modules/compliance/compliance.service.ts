/**
 * Legal age and shipping rules for selling spirits: a minimum age per country or subdivision, and the
 * destinations that may not receive spirits. Staff edit both; orders check them with `checkOrder`.
 * The operations, bound to one context, live in the file of their concern as plain functions taking it:
 * rule-records.ts (the rules as stored), rule-changes.ts (staff's edits), purchase-checks.ts (what orders
 * ask, through the cached rules) with legal-age.ts.
 */
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { ComplianceContext } from "./compliance.context.ts";
import type { AgeLimitInput, BlockedDestinationInput } from "./compliance.schemas.ts";
import { canBuy, checkOrder, destinationRulesCache, type PurchaseCheck } from "./purchase-checks.ts";
import { blockDestination, removeAgeLimit, setAgeLimit, unblockDestination } from "./rule-changes.ts";
import { rules } from "./rule-records.ts";

export { ageAt, parseBirthDate } from "./legal-age.ts";
export {
  type ComplianceRule,
  type PurchaseCheck,
  type PurchaseVerdict,
  RULES_CACHE_MS,
} from "./purchase-checks.ts";
export { DEFAULT_MINIMUM_AGE } from "./rule-records.ts";

export function createComplianceService(deps: Deps, audit: AuditService) {
  const ctx: ComplianceContext = { deps, audit, rulesCache: destinationRulesCache(deps) };
  return {
    rules: () => rules(ctx),
    canBuy: (input: PurchaseCheck) => canBuy(ctx, input),
    checkOrder: (input: PurchaseCheck) => checkOrder(ctx, input),
    setAgeLimit: (code: string, input: AgeLimitInput, actorId?: string) =>
      setAgeLimit(ctx, code, input, actorId),
    removeAgeLimit: (code: string, actorId?: string) => removeAgeLimit(ctx, code, actorId),
    blockDestination: (code: string, input: BlockedDestinationInput, actorId?: string) =>
      blockDestination(ctx, code, input, actorId),
    unblockDestination: (code: string, actorId?: string) => unblockDestination(ctx, code, actorId),
  };
}

export type ComplianceService = ReturnType<typeof createComplianceService>;
