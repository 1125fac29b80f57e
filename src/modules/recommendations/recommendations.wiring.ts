/** Builds the recommendations module's legal-check port from the compliance service (passed in, never imported). */
import type { LegalCheck } from "./recommendations.service.ts";

type ComplianceLike = {
  canBuy(input: {
    dateOfBirth: string | null;
    country: string;
    region: string | null;
    at: Date;
  }): Promise<{ allowed: true } | { allowed: false; rule: string; detail: string }>;
};

/**
 * Only a definite "no" keeps recommendations away: a customer under the legal age for where they live,
 * or living where spirits may not go. A missing date of birth is checked when they order, not here.
 */
export function legalCheckFrom(compliance: ComplianceLike): LegalCheck {
  return async (customer, at) => {
    if (!customer.country) return { allowed: true };
    const verdict = await compliance.canBuy({
      dateOfBirth: customer.dateOfBirth,
      country: customer.country,
      region: customer.region,
      at,
    });
    if (verdict.allowed || verdict.rule === "date-of-birth-required") return { allowed: true };
    return { allowed: false, reason: verdict.detail };
  };
}
