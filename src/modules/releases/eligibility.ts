import type { EligibilityRules } from "../../db/schema/releases.ts";

/** What the rules are judged on, read from the customer's account and order history. */
export type EntrantFacts = {
  accountCreatedAt: string;
  paidPurchases: number;
  /**
   * `accounts.email_verified`: set when the owner opens an e-mailed link (src/modules/auth/email-verification.ts)
   * or resets the password through the address. Undefined when it cannot be read: the rule then refuses.
   */
  emailVerified: boolean | undefined;
};

export type Refusal = { rule: keyof EligibilityRules; detail: string };

const DAY_MS = 86_400_000;

/** The first rule the customer fails, or null when they may take part. Checked in a fixed order. */
export function firstFailedRule(rules: EligibilityRules, facts: EntrantFacts, now: Date): Refusal | null {
  if (rules.minimumAccountAgeDays !== undefined) {
    const ageDays = (now.getTime() - Date.parse(facts.accountCreatedAt)) / DAY_MS;
    if (ageDays < rules.minimumAccountAgeDays) {
      return {
        rule: "minimumAccountAgeDays",
        detail: `The account must be at least ${rules.minimumAccountAgeDays} days old.`,
      };
    }
  }
  if (rules.minimumPurchases !== undefined && facts.paidPurchases < rules.minimumPurchases) {
    return {
      rule: "minimumPurchases",
      detail: `At least ${rules.minimumPurchases} earlier paid orders are needed.`,
    };
  }
  if (rules.requireVerifiedEmail && facts.emailVerified !== true) {
    return { rule: "requireVerifiedEmail", detail: "The account's e-mail address must be verified." };
  }
  return null;
}
