import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import { createInteractionsService } from "../interactions/interactions.service.ts";
import { createPurchasesService } from "../interactions/purchases.service.ts";
import { createReviewsService } from "../reviews/reviews.service.ts";
import { createRecommendationsService, type LegalCheck } from "./recommendations.service.ts";
import { createRefreshQueue } from "./refresh-queue.ts";

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
export function legalCheckFrom(compliance: ComplianceLike | undefined): LegalCheck | undefined {
  if (!compliance) return undefined;
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

/**
 * Builds the signal-side services together (they share the refresh queue): purchases, the interaction
 * log, reviews and recommendations. Legality comes from the compliance service when it is there.
 */
export function createSignalServices(
  deps: Deps,
  base: { catalog: CatalogService; audit: AuditService; compliance?: ComplianceLike },
) {
  const legal = legalCheckFrom(base.compliance);
  const queue = createRefreshQueue(deps);
  const purchases = createPurchasesService(deps);
  const interactions = createInteractionsService(deps, { queue });
  const reviews = createReviewsService(deps, {
    catalog: base.catalog,
    purchases,
    interactions,
    audit: base.audit,
  });
  const recommendations = createRecommendationsService(deps, {
    catalog: base.catalog,
    purchases,
    interactions,
    queue,
    ...(legal ? { legal } : {}),
  });
  return { purchases, interactions, reviews, recommendations };
}
