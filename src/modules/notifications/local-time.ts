/**
 * Wall-clock time in a customer's IANA time zone, with Intl only (the same on Bun and Workers): which local
 * day and minute an instant is, and which instant a local day and minute is (daylight-saving aware).
 * Quiet hours and the daily e-mail cap are both local: "22:00 to 07:00 in Europe/London".
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (an IANA name such as Europe/London, or UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

type Wall = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wallOf(instant: Date, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(timeZone).formatToParts(instant)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The local date (YYYY-MM-DD) and the minutes since local midnight of an instant. */
export function localTime(instant: Date, timeZone: string): { day: string; minutes: number } {
  const w = wallOf(instant, timeZone);
  return { day: `${w.year}-${pad(w.month)}-${pad(w.day)}`, minutes: w.hour * 60 + w.minute };
}

/** How far the zone's wall clock is ahead of UTC at the instant, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  const w = wallOf(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant at local `minutes` past midnight of `day` (YYYY-MM-DD) in the zone. A time the clocks skip
 * (spring forward) comes out as the first instant after the gap; a repeated one as its first occurrence.
 */
export function instantAt(day: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  // Two rounds settle the offset across a daylight-saving change.
  let guess = wall - offsetMs(new Date(wall), timeZone);
  guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** The local date after `day`. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** "HH:MM" as minutes since midnight. */
export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export type QuietHours = { start: string; end: string };

/** Whether local `minutes` fall inside the quiet hours (which may run past midnight: 22:00 to 07:00). */
export function isQuiet(minutes: number, quiet: QuietHours): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/** The instant itself when it is outside the quiet hours, else the instant they end. */
export function afterQuietHours(instant: Date, quiet: QuietHours | null, timeZone: string): Date {
  if (!quiet) return instant;
  const { day, minutes } = localTime(instant, timeZone);
  if (!isQuiet(minutes, quiet)) return instant;
  const end = minutesOf(quiet.end);
  // Before the end on the same local day (the early-morning part), or on the next day (the evening part).
  const endDay = minutes < end ? day : nextDay(day);
  return instantAt(endDay, end, timeZone);
}
