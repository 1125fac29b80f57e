/**
 * The privacy module's operations, bound to one context: export.ts (everything held about a customer) and
 * erasure.ts (the right to be forgotten), both driven by the one data map, personal-data.ts.
 */
import type { Deps } from "../../deps.ts";
import type { Principal } from "../../http/auth.ts";
import { burstThenOneEvery } from "../auth/guess-throttle.ts";
import { spend } from "../auth/lifecycle-limits.ts";
import { eraseCustomer } from "./erasure.ts";
import { exportCustomer } from "./export.ts";
import type { PrivacyContext, PrivacyPorts } from "./privacy.context.ts";
import type { EraseInput } from "./privacy.schemas.ts";

/** Exports read every table about a customer: 5 at once per caller, then one every 12 minutes. */
export const EXPORTS_PER_CALLER = burstThenOneEvery(5, 12 * 60_000);

export function createPrivacyService(deps: Deps, ports: PrivacyPorts) {
  const ctx: PrivacyContext = { deps, ports };
  return {
    async exportCustomer(customerId: string, actor: Principal) {
      await spend(
        deps.rateLimiter,
        `privacy:export:${actor.id}`,
        EXPORTS_PER_CALLER,
        "exports by this caller",
      );
      return exportCustomer(ctx, customerId, actor);
    },
    eraseCustomer: (customerId: string, actor: Principal, input: EraseInput) =>
      eraseCustomer(ctx, customerId, actor, input),
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
