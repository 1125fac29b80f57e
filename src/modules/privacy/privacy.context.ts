import type { AccountRow } from "../../db/schema/accounts.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";

/** One statement of an atomic batch (`db.batch`). */
export type Statement = Parameters<Deps["db"]["batch"]>[0][number];

/** What export and erasure need of other modules, as their services answer it (wired in services.ts). */
export type PrivacyPorts = {
  audit: Pick<AuditService, "entry">;
  accounts: {
    findById(id: string): Promise<AccountRow | undefined>;
    forgetCachedCallers(accountId: string): void;
  };
  /** The caller's own password, checked and throttled (auth), before they erase their own account. */
  confirmPassword(accountId: string, password: string): Promise<unknown>;
  /**
   * Brings the behaviour log up to date with what other modules log themselves (interactions): erasure
   * runs it first, so a purchase not yet recorded cannot come back as an interaction after it.
   */
  catchUpSignals(): Promise<unknown>;
  /** The statement that counts a spirit's rating again from its approved reviews (reviews). */
  recountRating(spiritId: string): Statement;
  /** After the recount committed: the spirit's cached copies go (catalog). */
  forgetSpirit(spiritId: string): void;
};

export type PrivacyContext = { deps: Deps; ports: PrivacyPorts };
