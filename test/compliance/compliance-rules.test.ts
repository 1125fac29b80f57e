/** The rules themselves: `checkOrder` and `canBuy` over the seeded defaults and staff changes. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DomainError } from "../../src/domain-error.ts";
import { problemFromDomain } from "../../src/http/errors.ts";
import { ageAt, parseBirthDate } from "../../src/modules/compliance/compliance.service.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const at = new Date("2026-06-01T12:00:00.000Z");

/** The problem `checkOrder` throws, or undefined when the order may go ahead. */
async function refusal(dateOfBirth: string | null, country: string, region?: string | null, when = at) {
  try {
    await t.services.compliance.checkOrder({ dateOfBirth, country, region, at: when });
    return undefined;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return problemFromDomain(err).toProblem() as { status: number; type: string; detail: string } & Record<
      string,
      unknown
    >;
  }
}

describe("checkOrder", () => {
  test("a customer of age shipping to an allowed destination passes", async () => {
    expect(await refusal("1980-04-01", "GB", "GB-SCT")).toBeUndefined();
    expect(await refusal("1980-04-01", "US", "US-NY")).toBeUndefined();
    expect(await refusal("2008-05-31", "FR")).toBeUndefined(); // 18 yesterday
  });

  test("no date of birth: 422 date-of-birth-required", async () => {
    const p = await refusal(null, "GB");
    expect(p?.status).toBe(422);
    expect(p?.type).toEndWith("/date-of-birth-required");
    expect(p?.errors).toEqual([{ path: "dateOfBirth", message: "is required on the customer profile" }]);
    const garbled = await refusal("31/12/1980", "GB");
    expect(garbled?.type).toEndWith("/date-of-birth-required");
    expect(garbled?.detail).toContain("not a valid date");
    expect((await refusal("1980-02-30", "GB"))?.status).toBe(422);
  });

  test("under age: 403 under-legal-age with the minimum that applied", async () => {
    const p = await refusal("2006-01-01", "US", "US-NY"); // 20
    expect(p?.status).toBe(403);
    expect(p?.type).toEndWith("/under-legal-age");
    expect(p?.minimumAge).toBe(21);
    expect(p?.ruleCode).toBe("US");
    expect(p?.detail).toContain("21");
    expect(await refusal("2006-01-01", "GB")).toBeUndefined(); // 20 is fine in the UK
    expect((await refusal("2007-01-01", "JP"))?.minimumAge).toBe(20); // 19 in Japan
    expect(await refusal("2007-01-01", "KR")).toBeUndefined(); // 19 in Korea
    expect((await refusal("2002-01-01", "IN"))?.minimumAge).toBe(25);
  });

  test("the birthday counts from 00:00 UTC", async () => {
    const dob = "2005-06-02"; // 21 on 2026-06-02
    expect((await refusal(dob, "US", null, new Date("2026-06-01T23:59:59.999Z")))?.status).toBe(403);
    expect(await refusal(dob, "US", null, new Date("2026-06-02T00:00:00.000Z"))).toBeUndefined();
  });

  test("a subdivision's limit wins over its country's, given whole or as a suffix", async () => {
    const nineteenNot = "2007-07-01"; // 18 on 2026-06-01
    expect((await refusal(nineteenNot, "CA", "CA-ON"))?.minimumAge).toBe(19);
    expect(await refusal(nineteenNot, "CA", "CA-QC")).toBeUndefined();
    expect(await refusal(nineteenNot, "CA", "qc")).toBeUndefined();
    expect((await refusal(nineteenNot, "CA"))?.minimumAge).toBe(19);
  });

  test("a country without a limit of its own uses the default (18)", async () => {
    const p = await refusal("2010-01-01", "NP");
    expect(p?.minimumAge).toBe(18);
    expect(p?.ruleCode).toBeUndefined();
    expect(await refusal("2000-01-01", "NP")).toBeUndefined();
  });

  test("a blocked destination: 403 destination-blocked, checked before the date of birth", async () => {
    for (const [country, region] of [
      ["US", "US-UT"],
      ["US", "MS"],
      ["SA", null],
      ["KW", "KW-KU"],
    ] as const) {
      const p = await refusal(null, country, region);
      expect(p?.status, `${country} ${region}`).toBe(403);
      expect(p?.type).toEndWith("/destination-blocked");
    }
    const utah = await refusal("1980-01-01", "US", "US-UT");
    expect(utah?.ruleCode).toBe("US-UT");
    expect(utah?.detail).toContain("US-UT");
    expect(await refusal("1980-01-01", "US", "US-CA")).toBeUndefined();
  });

  test("staff changes apply to the next check", async () => {
    const s = t.services.compliance;
    await s.blockDestination("GB-NIR", { reason: "Carrier pause" });
    expect((await refusal("1980-01-01", "GB", "GB-NIR"))?.type).toEndWith("/destination-blocked");
    expect(await refusal("1980-01-01", "GB", "GB-SCT")).toBeUndefined();
    await s.unblockDestination("GB-NIR");
    expect(await refusal("1980-01-01", "GB", "GB-NIR")).toBeUndefined();

    await s.setAgeLimit("GB", { minimumAge: 25, note: "Shop policy" });
    expect((await refusal("2004-01-01", "GB"))?.minimumAge).toBe(25);
    await s.setAgeLimit("GB", { minimumAge: 18, note: null });
    expect(await refusal("2004-01-01", "GB")).toBeUndefined();
  });
});

describe("canBuy", () => {
  test("answers without throwing: allowed with the age that applied, or the rule that says no", async () => {
    const s = t.services.compliance;
    expect(await s.canBuy({ dateOfBirth: "1980-01-01", country: "US", region: "NY", at })).toEqual({
      allowed: true,
      minimumAge: 21,
      ageLimitFrom: "US",
    });
    expect(await s.canBuy({ dateOfBirth: "2010-01-01", country: "DE", at })).toMatchObject({
      allowed: false,
      rule: "under-legal-age",
      minimumAge: 18,
    });
    expect(await s.canBuy({ dateOfBirth: undefined, country: "DE", at })).toMatchObject({
      allowed: false,
      rule: "date-of-birth-required",
    });
    expect(await s.canBuy({ dateOfBirth: "1980-01-01", country: "US", region: "US-UT", at })).toMatchObject({
      allowed: false,
      rule: "destination-blocked",
      ruleCode: "US-UT",
    });
  });
});

describe("age arithmetic", () => {
  test("completed years by calendar date; 29 February comes of age on 1 March in common years", () => {
    const leap = parseBirthDate("2008-02-29")!;
    expect(ageAt(leap, new Date("2026-02-28T23:59:59Z"))).toBe(17);
    expect(ageAt(leap, new Date("2026-03-01T00:00:00Z"))).toBe(18);
    expect(ageAt(leap, new Date("2028-02-29T00:00:00Z"))).toBe(20);
    expect(ageAt(parseBirthDate("2000-12-31")!, new Date("2018-12-30T12:00:00Z"))).toBe(17);
    expect(ageAt(parseBirthDate("2000-12-31")!, new Date("2018-12-31T00:00:00Z"))).toBe(18);
  });

  test("dates of birth must be real calendar dates", () => {
    expect(parseBirthDate("1980-04-01")).toEqual({ y: 1980, m: 4, d: 1 });
    expect(parseBirthDate("1980-04-01T00:00:00Z")).toEqual({ y: 1980, m: 4, d: 1 });
    for (const bad of ["", null, undefined, "1980-13-01", "1981-02-29", "1980-4-1", "April 1st"]) {
      expect(parseBirthDate(bad)).toBeUndefined();
    }
  });
});
