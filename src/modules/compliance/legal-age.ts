/** Reading a date of birth and counting completed years: plain calendar arithmetic, no database. */

type BirthDate = { y: number; m: number; d: number };

/** A real calendar date at the start of the string, or undefined. */
export function parseBirthDate(text: string | null | undefined): BirthDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(text ?? "");
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return { y, m: mo, d };
}

/**
 * Completed years at `at`, by the UTC calendar date: the birthday counts from 00:00 UTC. Someone born on
 * 29 February comes of age on 1 March in common years (as in UK law), never on 28 February.
 */
export function ageAt(birth: BirthDate, at: Date): number {
  const [y, m, d] = [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate()];
  const beforeBirthday = m < birth.m || (m === birth.m && d < birth.d);
  return y - birth.y - (beforeBirthday ? 1 : 0);
}
