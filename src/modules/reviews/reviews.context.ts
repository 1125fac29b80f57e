import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { InteractionsService } from "../interactions/interactions.service.ts";
import type { PurchasesService } from "../interactions/purchases.service.ts";
import type { ModerationRules } from "./moderation-rules.ts";

/** What reviews need from other modules (built in services.ts). */
export type ReviewsPorts = {
  catalog: CatalogService;
  purchases: PurchasesService;
  interactions: InteractionsService;
  audit: AuditService;
};

/** What every reviews operation takes: the runtime's parts, the other modules' ports, the moderation rules. */
export type ReviewsContext = {
  deps: Deps;
  ports: ReviewsPorts;
  /** Built once from REVIEW_BANNED_WORDS (moderation-rules.ts). */
  moderate: ModerationRules;
};
