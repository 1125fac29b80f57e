import type { Preferences } from "../../db/schema/accounts.ts";
import type { PollAudience } from "../../db/schema/polls.ts";

/** What a customer is judged on; purchases are read only when the audience has purchase rules. */
export type AudienceFacts = {
  preferences: Preferences;
  /** Spirits the customer paid for, with their tags; undefined when not read. */
  bought?: { spiritId: string; tags: string[] }[] | undefined;
};

export const needsPurchases = (a: PollAudience) =>
  Boolean(a.boughtSpiritIds?.length || a.boughtTags?.length || a.minimumPurchases);

const lower = (xs: string[] | undefined) => new Set((xs ?? []).map((x) => x.toLowerCase()));
const shares = (wanted: string[] | undefined, has: string[] | undefined) => {
  if (!wanted?.length) return true;
  const mine = lower(has);
  return wanted.some((w) => mine.has(w.toLowerCase()));
};

/** Every rule given must hold; a list rule holds when the customer shares one of its values. */
export function inAudience(a: PollAudience, facts: AudienceFacts): boolean {
  const p = facts.preferences;
  if (!shares(a.favouriteTypes, p.favouriteTypes)) return false;
  if (!shares(a.favouriteRegions, p.favouriteRegions)) return false;
  if (!shares(a.favouriteDistilleries, p.favouriteDistilleries)) return false;
  if (!needsPurchases(a)) return true;
  const bought = facts.bought ?? [];
  if (a.minimumPurchases && bought.length < a.minimumPurchases) return false;
  if (a.boughtSpiritIds?.length && !bought.some((b) => a.boughtSpiritIds!.includes(b.spiritId))) return false;
  return shares(
    a.boughtTags,
    bought.flatMap((b) => b.tags),
  );
}
