import type { BatchItem } from "drizzle-orm/batch";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { AudienceFacts } from "./audience.ts";

/** What polls need from other modules (built in polls.wiring.ts). */
export type PollsPorts = {
  audit: AuditService;
  spiritExists(spiritId: string): Promise<boolean>;
  releaseExists(releaseId: string): Promise<boolean>;
  /** The customer's profile, and their paid-for spirits when `withPurchases`; undefined for no customer. */
  facts(customerId: string, withPurchases: boolean): Promise<AudienceFacts | undefined>;
  /** One page of a walk over every enabled customer (to count a poll's audience). */
  customerIds(cursor: string | null): Promise<{ ids: string[]; nextCursor: string | null }>;
  /** The automatic first pass over free text, the same as for reviews. */
  moderate(text: string): { status: "approved" | "pending"; reasons: string[] };
  /** Statements that log declared interest in spirits, for the answer's own batch (recommender signals). */
  declaredInterest(customerId: string, spirits: { spiritId: string; key: string }[]): BatchItem<"sqlite">[];
};

export type PollsContext = { deps: Deps; ports: PollsPorts };
