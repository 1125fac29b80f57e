/**
 * The mailbox an e-mail address reaches, so that one mailbox gets one account (issue 12: one account per
 * e-mail, against ballot and queue abuse). Case never matters (every provider we know of ignores it, and
 * accounts always stored addresses lower-cased). Beyond that only where the provider documents it:
 *
 * - Gmail ignores dots in the local part, and `googlemail.com` is the same mailbox as `gmail.com`.
 * - These providers deliver `name+anything@` to `name@` (sub-addressing), so the tag is dropped; elsewhere
 *   a `+` may be part of a real, different address and is kept.
 *
 * Two forms of the same rule: `canonicalEmail` for look-ups, `canonicalEmailSql` for the generated column
 * `accounts.email_canonical` (so every writer, the token CLI and fixtures too, keeps it without knowing).
 * test/accounts/email-canonical.test.ts checks that the two agree.
 */
export const DOTLESS_DOMAINS = ["gmail.com", "googlemail.com"] as const;
export const PLUS_TAG_DOMAINS = [
  ...DOTLESS_DOMAINS,
  "outlook.com",
  "hotmail.com",
  "live.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "fastmail.com",
  "fastmail.fm",
  "proton.me",
  "protonmail.com",
  "pm.me",
] as const;
const SAME_MAILBOX: Record<string, string> = { "googlemail.com": "gmail.com" };

export function canonicalEmail(email: string): string {
  const e = email.trim().toLowerCase();
  const at = e.indexOf("@");
  if (at < 0) return e;
  let local = e.slice(0, at);
  const domain = e.slice(at + 1);
  if (!(PLUS_TAG_DOMAINS as readonly string[]).includes(domain)) return e;
  const plus = local.indexOf("+");
  // A local part that starts with `+` has no name before the tag: keep it whole.
  if (plus > 0) local = local.slice(0, plus);
  if ((DOTLESS_DOMAINS as readonly string[]).includes(domain)) local = local.replaceAll(".", "");
  return `${local}@${SAME_MAILBOX[domain] ?? domain}`;
}

const list = (domains: readonly string[]) => domains.map((d) => `'${d}'`).join(", ");

/** The same rule as an SQL expression over `column` (deterministic functions only, as a generated column needs). */
export function canonicalEmailSql(column: string): string {
  const e = `lower(trim(${column}))`;
  const at = `instr(${e}, '@')`;
  const local = `substr(${e}, 1, ${at} - 1)`;
  const domain = `substr(${e}, ${at} + 1)`;
  const untagged = `(CASE WHEN instr(${local}, '+') > 1 THEN substr(${local}, 1, instr(${local}, '+') - 1) ELSE ${local} END)`;
  return `(CASE WHEN ${at} = 0 THEN ${e} WHEN ${domain} IN (${list(DOTLESS_DOMAINS)}) THEN replace(${untagged}, '.', '') || '@gmail.com' WHEN ${domain} IN (${list(PLUS_TAG_DOMAINS)}) THEN ${untagged} || '@' || ${domain} ELSE ${e} END)`;
}
