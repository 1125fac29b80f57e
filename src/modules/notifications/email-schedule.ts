/**
 * When a notification's e-mail goes: now, or when the customer's quiet hours end (deferred, never
 * dropped). The daily cap counts single e-mails per local day of sending; beyond it, the day's others wait
 * for one digest at the end of that local day (itself deferred past quiet hours).
 */
import { afterQuietHours, instantAt, localTime, nextDay } from "./local-time.ts";
import type { Settings } from "./notification-settings.ts";

export type EmailPlan = { kind: "single" | "digest"; localDay: string; sendAfter: Date };

/** The e-mail's earliest time and the local day its cap counts in. */
export function earliestSend(now: Date, s: Pick<Settings, "quietHours" | "timeZone">) {
  const sendAfter = afterQuietHours(now, s.quietHours, s.timeZone);
  return { sendAfter, localDay: localTime(sendAfter, s.timeZone).day };
}

/** When the digest of a local day goes: the next local midnight, or after the quiet hours around it. */
export function digestTime(localDay: string, s: Pick<Settings, "quietHours" | "timeZone">): Date {
  return afterQuietHours(instantAt(nextDay(localDay), 0, s.timeZone), s.quietHours, s.timeZone);
}

/** A single e-mail while the day has room under the cap (`sentToday` singles so far), else the digest. */
export function planEmail(
  now: Date,
  s: Pick<Settings, "quietHours" | "timeZone" | "dailyEmailLimit">,
  singlesThatDay: (localDay: string) => number,
): EmailPlan {
  const { sendAfter, localDay } = earliestSend(now, s);
  if (singlesThatDay(localDay) < s.dailyEmailLimit) return { kind: "single", localDay, sendAfter };
  return { kind: "digest", localDay, sendAfter: digestTime(localDay, s) };
}
