/** Wall-clock time in IANA zones, across daylight-saving changes: what quiet hours and the daily cap rest on. */
import { expect, test } from "bun:test";
import { digestTime, earliestSend, planEmail } from "../../src/modules/notifications/email-schedule.ts";
import {
  afterQuietHours,
  instantAt,
  isQuiet,
  isTimeZone,
  localTime,
} from "../../src/modules/notifications/local-time.ts";

test("local day and minute of an instant, in summer and winter time", () => {
  expect(localTime(new Date("2026-06-01T22:30:00Z"), "Europe/London")).toEqual({
    day: "2026-06-01",
    minutes: 23 * 60 + 30,
  });
  expect(localTime(new Date("2026-06-01T23:30:00Z"), "Europe/London")).toEqual({
    day: "2026-06-02",
    minutes: 30,
  });
  expect(localTime(new Date("2026-01-15T23:30:00Z"), "Europe/London")).toEqual({
    day: "2026-01-15",
    minutes: 23 * 60 + 30,
  });
  expect(localTime(new Date("2026-01-15T23:30:00Z"), "Asia/Tokyo")).toEqual({
    day: "2026-01-16",
    minutes: 8 * 60 + 30,
  });
  expect(localTime(new Date("2026-01-15T03:00:00Z"), "America/New_York").day).toBe("2026-01-14");
});

test("the instant of a local time, either side of a clock change", () => {
  expect(instantAt("2026-06-02", 7 * 60, "Europe/London").toISOString()).toBe("2026-06-02T06:00:00.000Z");
  expect(instantAt("2026-01-02", 7 * 60, "Europe/London").toISOString()).toBe("2026-01-02T07:00:00.000Z");
  // London springs forward at 01:00 UTC on 29 March 2026, falls back at 01:00 UTC on 25 October.
  expect(instantAt("2026-03-29", 7 * 60, "Europe/London").toISOString()).toBe("2026-03-29T06:00:00.000Z");
  expect(instantAt("2026-03-28", 7 * 60, "Europe/London").toISOString()).toBe("2026-03-28T07:00:00.000Z");
  expect(instantAt("2026-10-25", 7 * 60, "Europe/London").toISOString()).toBe("2026-10-25T07:00:00.000Z");
  expect(instantAt("2026-06-02", 0, "America/Los_Angeles").toISOString()).toBe("2026-06-02T07:00:00.000Z");
  expect(instantAt("2026-06-02", 90, "UTC").toISOString()).toBe("2026-06-02T01:30:00.000Z");
});

test("quiet hours that run past midnight, and their end", () => {
  const night = { start: "22:00", end: "07:00" };
  expect([21 * 60 + 59, 22 * 60, 0, 6 * 60 + 59, 7 * 60].map((m) => isQuiet(m, night))).toEqual([
    false,
    true,
    true,
    true,
    false,
  ]);
  const lunch = { start: "12:00", end: "13:30" };
  expect([11 * 60 + 59, 12 * 60, 13 * 60 + 29, 13 * 60 + 30].map((m) => isQuiet(m, lunch))).toEqual([
    false,
    true,
    true,
    false,
  ]);
  const tz = "Europe/Paris";
  // 23:10 in Paris (UTC+2 in June): deferred to 07:00 the next morning.
  expect(afterQuietHours(new Date("2026-06-01T21:10:00Z"), night, tz).toISOString()).toBe(
    "2026-06-02T05:00:00.000Z",
  );
  // 05:00 in Paris: the same morning.
  expect(afterQuietHours(new Date("2026-06-02T03:00:00Z"), night, tz).toISOString()).toBe(
    "2026-06-02T05:00:00.000Z",
  );
  const noon = new Date("2026-06-02T10:00:00Z");
  expect(afterQuietHours(noon, night, tz)).toEqual(noon);
  expect(afterQuietHours(noon, null, tz)).toEqual(noon);
  expect(isTimeZone("Europe/London")).toBe(true);
  expect(isTimeZone("UTC")).toBe(true);
  expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
});

test("the cap counts per local day; the digest goes at the local day's end, after any quiet hours", () => {
  const s = { quietHours: { start: "23:30", end: "08:00" }, timeZone: "Asia/Tokyo", dailyEmailLimit: 2 };
  const at = new Date("2026-06-01T14:00:00Z"); // 23:00 in Tokyo
  expect(earliestSend(at, s)).toEqual({ sendAfter: at, localDay: "2026-06-01" });
  expect(planEmail(at, s, () => 1)).toEqual({ kind: "single", localDay: "2026-06-01", sendAfter: at });
  // Midnight in Tokyo is inside the quiet hours: the digest waits for 08:00.
  expect(planEmail(at, s, () => 2)).toEqual({
    kind: "digest",
    localDay: "2026-06-01",
    sendAfter: new Date("2026-06-01T23:00:00Z"),
  });
  expect(digestTime("2026-06-01", { quietHours: null, timeZone: "Asia/Tokyo" }).toISOString()).toBe(
    "2026-06-01T15:00:00.000Z",
  );
  // Quiet at 23:45: the e-mail goes at 08:00 and counts for the next day.
  const late = new Date("2026-06-01T14:45:00Z");
  expect(planEmail(late, s, (day) => (day === "2026-06-01" ? 5 : 0))).toEqual({
    kind: "single",
    localDay: "2026-06-02",
    sendAfter: new Date("2026-06-01T23:00:00Z"),
  });
});
