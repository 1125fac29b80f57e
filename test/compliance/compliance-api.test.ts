/**
 * The compliance rules through the HTTP API, one suite on both targets (in-process on Bun, the Worker build
 * in workerd over libSQL through HTTP).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { auditLog } from "../../src/db/schema/http.ts";
import {
  AgeLimitSchema,
  BlockedDestinationSchema,
  ComplianceRulesSchema,
} from "../../src/modules/compliance/compliance.schemas.ts";
import { describeTargets, letTimePass } from "../support/targets.ts";

type Caller = { id: string; headers: Record<string, string> };

describeTargets("the compliance rules API", (t) => {
  let staff: Caller;
  let customer: Caller;
  beforeAll(async () => {
    staff = await t.signIn("staff");
    customer = await t.signIn("customer");
  });

  async function rules() {
    const res = await t.call("GET", "/api/v1/compliance/rules");
    expect(res.status).toBe(200);
    return ComplianceRulesSchema.parse(await res.json());
  }
  const ageOf = async (code: string) => (await rules()).ageLimits.find((a) => a.code === code)?.minimumAge;

  describe("GET /api/v1/compliance/rules", () => {
    test("public, with the seeded defaults", async () => {
      const r = await rules();
      expect(r.defaultMinimumAge).toBe(18);
      const ages = Object.fromEntries(r.ageLimits.map((a) => [a.code, a.minimumAge]));
      expect(ages).toMatchObject({
        US: 21,
        GB: 18,
        DE: 18,
        FR: 18,
        JP: 20,
        KR: 19,
        CA: 19,
        "CA-QC": 18,
        AU: 18,
        IN: 25,
      });
      expect(r.ageLimits.find((a) => a.code === "DE")?.note).toContain("16");
      const blocked = r.blockedDestinations.map((b) => b.code);
      expect(blocked).toEqual(expect.arrayContaining(["US-UT", "US-MS", "SA", "KW"]));
      expect(blocked).not.toContain("GB");
      // Sorted by code, so the list reads like a table.
      expect(r.ageLimits.map((a) => a.code)).toEqual(r.ageLimits.map((a) => a.code).sort());
    });
  });

  describe("PUT and DELETE /api/v1/compliance/age-limits/{code}", () => {
    test("201 when new, 200 when replaced, unchanged when the same; codes are normalised; audited", async () => {
      const created = await t.call("PUT", "/api/v1/compliance/age-limits/np", {
        headers: staff.headers,
        body: { minimumAge: 18 },
      });
      expect(created.status).toBe(201);
      expect(AgeLimitSchema.parse(await created.json())).toMatchObject({
        code: "NP",
        minimumAge: 18,
        note: null,
      });

      await letTimePass(t, 1000);
      const replaced = await t.call("PUT", "/api/v1/compliance/age-limits/NP", {
        headers: staff.headers,
        body: { minimumAge: 21, note: "Staff decision" },
      });
      expect(replaced.status).toBe(200);
      const limit = AgeLimitSchema.parse(await replaced.json());
      expect(limit).toMatchObject({ code: "NP", minimumAge: 21, note: "Staff decision" });

      await letTimePass(t, 1000);
      const same = await t.call("PUT", "/api/v1/compliance/age-limits/NP", {
        headers: staff.headers,
        body: { minimumAge: 21, note: "Staff decision" },
      });
      expect(same.status).toBe(200);
      expect(AgeLimitSchema.parse(await same.json()).updatedAt).toBe(limit.updatedAt);
      expect(await ageOf("NP")).toBe(21);

      const audit = await t.deps.db.select().from(auditLog).where(eq(auditLog.subject, "NP"));
      expect(audit.map((a) => [a.action, a.actorId])).toEqual([
        ["compliance.age_limit_set", staff.id],
        ["compliance.age_limit_set", staff.id],
      ]);
    });

    test("a subdivision gets its own limit; deleting it brings back the country's", async () => {
      const put = await t.call("PUT", "/api/v1/compliance/age-limits/US-LA", {
        headers: staff.headers,
        body: { minimumAge: 21, note: "Louisiana" },
      });
      expect(put.status).toBe(201);
      const del = await t.call("DELETE", "/api/v1/compliance/age-limits/US-LA", { headers: staff.headers });
      expect(del.status).toBe(204);
      expect(await ageOf("US-LA")).toBeUndefined();
      const again = await t.call("DELETE", "/api/v1/compliance/age-limits/US-LA", { headers: staff.headers });
      expect(again.status).toBe(404);
      expect(again.headers.get("Content-Type")).toContain("application/problem+json");
    });

    test("422 for a bad code or body, and nothing changes", async () => {
      for (const code of ["XX", "GBR", "US-TOOLONG", "*", "EU", "1"]) {
        const res = await t.call("PUT", `/api/v1/compliance/age-limits/${code}`, {
          headers: staff.headers,
          body: { minimumAge: 18 },
        });
        expect(res.status, code).toBe(422);
        expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
          "code",
        ]);
      }
      for (const body of [
        {},
        { minimumAge: -1 },
        { minimumAge: 100 },
        { minimumAge: 18.5 },
        { minimumAge: "18" },
        { minimumAge: 18, extra: 1 },
        { minimumAge: 18, note: "x".repeat(201) },
      ]) {
        const res = await t.call("PUT", "/api/v1/compliance/age-limits/US", { headers: staff.headers, body });
        expect(res.status, JSON.stringify(body)).toBe(422);
      }
      expect(
        (await t.call("DELETE", "/api/v1/compliance/age-limits/XX", { headers: staff.headers })).status,
      ).toBe(422);
      expect(await ageOf("US")).toBe(21);
    });

    test("staff only: 401 anonymous, 403 customer", async () => {
      const body = { minimumAge: 12 };
      expect((await t.call("PUT", "/api/v1/compliance/age-limits/US", { body })).status).toBe(401);
      expect(
        (await t.call("PUT", "/api/v1/compliance/age-limits/US", { headers: customer.headers, body })).status,
      ).toBe(403);
      expect((await t.call("DELETE", "/api/v1/compliance/age-limits/US")).status).toBe(401);
      expect(
        (await t.call("DELETE", "/api/v1/compliance/age-limits/US", { headers: customer.headers })).status,
      ).toBe(403);
      expect(await ageOf("US")).toBe(21);
    });
  });

  describe("PUT and DELETE /api/v1/compliance/blocked-destinations/{code}", () => {
    const blocked = async () => (await rules()).blockedDestinations.map((b) => b.code);

    test("block (201), re-word (200), unblock (204), unblock again (404)", async () => {
      const put = await t.call("PUT", "/api/v1/compliance/blocked-destinations/us-ky", {
        headers: staff.headers,
        body: { reason: "Carrier refuses spirits" },
      });
      expect(put.status).toBe(201);
      expect(BlockedDestinationSchema.parse(await put.json())).toMatchObject({
        code: "US-KY",
        reason: "Carrier refuses spirits",
      });
      expect(await blocked()).toContain("US-KY");

      const reword = await t.call("PUT", "/api/v1/compliance/blocked-destinations/US-KY", {
        headers: staff.headers,
        body: { reason: "Carrier refuses spirits (2026)" },
      });
      expect(reword.status).toBe(200);

      expect(
        (await t.call("DELETE", "/api/v1/compliance/blocked-destinations/US-KY", { headers: staff.headers }))
          .status,
      ).toBe(204);
      expect(await blocked()).not.toContain("US-KY");
      expect(
        (await t.call("DELETE", "/api/v1/compliance/blocked-destinations/US-KY", { headers: staff.headers }))
          .status,
      ).toBe(404);
      const audit = await t.deps.db.select().from(auditLog).where(eq(auditLog.subject, "US-KY"));
      expect(audit.map((a) => a.action)).toEqual([
        "compliance.destination_blocked",
        "compliance.destination_blocked",
        "compliance.destination_unblocked",
      ]);
    });

    test("422 for a bad code or reason; roles", async () => {
      for (const [code, body] of [
        ["XX", { reason: "r" }],
        ["US", { reason: "" }],
        ["US", { reason: "   " }],
        ["US", {}],
        ["US", { reason: "r", code: "US" }],
      ] as const) {
        const res = await t.call("PUT", `/api/v1/compliance/blocked-destinations/${code}`, {
          headers: staff.headers,
          body,
        });
        expect(res.status, JSON.stringify([code, body])).toBe(422);
      }
      expect(await blocked()).not.toContain("US");
      const body = { reason: "r" };
      expect((await t.call("PUT", "/api/v1/compliance/blocked-destinations/GB", { body })).status).toBe(401);
      expect(
        (
          await t.call("PUT", "/api/v1/compliance/blocked-destinations/GB", {
            headers: customer.headers,
            body,
          })
        ).status,
      ).toBe(403);
      expect(
        (await t.call("DELETE", "/api/v1/compliance/blocked-destinations/SA", { headers: customer.headers }))
          .status,
      ).toBe(403);
      expect(await blocked()).toContain("SA");
    });
  });
});
