/**
 * Creating, reading and replacing spirits through the HTTP API, one suite on both targets (in-process on
 * Bun, the Worker build in workerd). Times are checked against the target's clock: the Bun target's
 * TestClock (exact), the Worker's real time (within the request).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { auditLog } from "../../src/db/schema/http.ts";
import { SpiritSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { describeTargets, letTimePass, type Target } from "../support/targets.ts";
import { createSpirit, minimalSpiritBody, spiritBody } from "./fixtures.ts";

describeTargets("spirits", (t) => {
  let staff: Awaited<ReturnType<Target["signIn"]>>;
  let admin: Awaited<ReturnType<Target["signIn"]>>;
  let customer: Awaited<ReturnType<Target["signIn"]>>;

  beforeAll(async () => {
    staff = await t.signIn("staff");
    admin = await t.signIn("admin");
    customer = await t.signIn("customer");
  });
  const now = () => t.deps.clock.now().toISOString();

  describe("creating and reading spirits", () => {
    test("staff create a spirit: 201, Location, every field echoed in the API shape", async () => {
      const body = spiritBody();
      const from = now();
      const res = await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body });
      const to = now();
      expect(res.status).toBe(201);
      const spirit = SpiritSchema.parse(await res.json());
      expect(res.headers.get("Location")).toBe(`/api/v1/spirits/${spirit.id}`);
      expect(spirit.id).toMatch(/^spr_/);
      expect(spirit).toMatchObject({ ...body, totalOutturn: null, rating: { average: null, count: 0 } });
      // The target's clock: the TestClock's fixed 2026-06-01T12:00:00.000Z on Bun, real time on the Worker.
      expect([from <= spirit.createdAt, spirit.createdAt <= to]).toEqual([true, true]);
      expect(spirit.updatedAt).toBe(spirit.createdAt);

      const read = await t.call("GET", res.headers.get("Location")!);
      expect(read.status).toBe(200);
      expect(SpiritSchema.parse(await read.json())).toEqual(spirit);
    });

    test("admins may create too; a minimal body gets the documented defaults", async () => {
      const res = await t.call("POST", "/api/v1/spirits", {
        headers: admin.headers,
        body: minimalSpiritBody(),
      });
      expect(res.status).toBe(201);
      const spirit = SpiritSchema.parse(await res.json());
      expect(spirit).toMatchObject({
        region: null,
        vintage: null,
        ageYears: null,
        caskType: null,
        description: "",
        tastingNotes: { nose: "", palate: "", finish: "" },
        flavourProfile: {},
        awards: [],
        releaseDate: null,
        status: "available",
        limitedEdition: false,
        totalOutturn: null,
        tags: [],
        media: [],
        attributes: {},
        maxPerCustomer: null,
        holdMinutes: null,
        preorderAllocation: null,
      });
    });

    test("strings are trimmed, repeated tags kept once, flavour dimensions in canonical order", async () => {
      const spirit = await createSpirit(
        t,
        staff,
        spiritBody({
          name: "  Spaced Name  ",
          tags: ["peated", "islay", "peated"],
          flavourProfile: { citrus: 1, body: 3, smoky: 4 },
        }),
      );
      expect(spirit.name).toBe("Spaced Name");
      expect(spirit.tags).toEqual(["peated", "islay"]);
      expect(Object.keys(spirit.flavourProfile)).toEqual(["body", "smoky", "citrus"]);
    });

    test("a limited edition carries its outturn", async () => {
      const spirit = await createSpirit(
        t,
        staff,
        spiritBody({ limitedEdition: true, totalOutturn: 500, maxPerCustomer: 1, preorderAllocation: 50 }),
      );
      expect(spirit).toMatchObject({ limitedEdition: true, totalOutturn: 500, maxPerCustomer: 1 });
    });

    test("archived spirits can still be read by id, by anyone", async () => {
      const spirit = await createSpirit(t, staff, spiritBody({ status: "archived" }));
      const res = await t.call("GET", `/api/v1/spirits/${spirit.id}`);
      expect(res.status).toBe(200);
      expect(SpiritSchema.parse(await res.json()).status).toBe("archived");
    });

    test("unknown ids are 404 problems on every spirit route", async () => {
      const id = "spr_doesnotexist";
      for (const [method, body] of [
        ["GET", undefined],
        ["PUT", spiritBody()],
        ["PATCH", { name: "X" }],
        ["DELETE", undefined],
      ] as const) {
        const res = await t.call(method, `/api/v1/spirits/${id}`, { headers: staff.headers, body });
        expect(res.status).toBe(404);
        expect(res.headers.get("Content-Type")).toBe("application/problem+json");
        expect((await res.json()).detail).toContain(id);
      }
    });
  });

  describe("replacing a spirit", () => {
    test("PUT replaces the whole spirit: fields left out are cleared, createdAt kept, updatedAt moves", async () => {
      const spirit = await createSpirit(t, staff);
      await letTimePass(t, 60_000);
      const from = now();
      const res = await t.call("PUT", `/api/v1/spirits/${spirit.id}`, {
        headers: staff.headers,
        body: minimalSpiritBody({ name: "Renamed" }),
      });
      const to = now();
      expect(res.status).toBe(200);
      const replaced = SpiritSchema.parse(await res.json());
      expect(replaced).toMatchObject({
        id: spirit.id,
        name: "Renamed",
        type: "gin",
        region: null,
        tags: [],
        attributes: {},
        awards: [],
        createdAt: spirit.createdAt,
      });
      expect(replaced.updatedAt > spirit.createdAt).toBe(true);
      expect([from <= replaced.updatedAt, replaced.updatedAt <= to]).toEqual([true, true]);
      const read = await t.call("GET", `/api/v1/spirits/${spirit.id}`);
      expect(SpiritSchema.parse(await read.json())).toEqual(replaced);
    });
    test("PUT of the same content is not a change: updatedAt stays", async () => {
      const spirit = await createSpirit(t, staff);
      await letTimePass(t, 60_000);
      const res = await t.call("PUT", `/api/v1/spirits/${spirit.id}`, {
        headers: staff.headers,
        body: spiritBody(),
      });
      expect(res.status).toBe(200);
      expect(SpiritSchema.parse(await res.json())).toEqual(spirit);
    });
  });

  describe("roles", () => {
    const writes = (id: string) =>
      [
        ["POST", "/api/v1/spirits", spiritBody()],
        ["PUT", `/api/v1/spirits/${id}`, spiritBody()],
        ["PATCH", `/api/v1/spirits/${id}`, { name: "Hacked" }],
        ["DELETE", `/api/v1/spirits/${id}`, undefined],
        ["POST", `/api/v1/spirits/${id}/batches`, { batchNumber: "X1" }],
      ] as const;

    test("anonymous callers get 401 on every write, with WWW-Authenticate, and nothing changes", async () => {
      const spirit = await createSpirit(t, staff);
      for (const [method, path, body] of writes(spirit.id)) {
        const res = await t.call(method, path, { body });
        expect(res.status).toBe(401);
        expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
      }
      const read = await t.call("GET", `/api/v1/spirits/${spirit.id}`);
      expect(SpiritSchema.parse(await read.json())).toEqual(spirit);
    });

    test("customers get 403 on every write, even with an invalid body, and nothing changes", async () => {
      const spirit = await createSpirit(t, staff);
      for (const [method, path, body] of writes(spirit.id)) {
        const res = await t.call(method, path, { headers: customer.headers, body });
        expect(res.status).toBe(403);
      }
      const bad = await t.call("POST", "/api/v1/spirits", { headers: customer.headers, body: { nope: 1 } });
      expect(bad.status).toBe(403);
      const read = await t.call("GET", `/api/v1/spirits/${spirit.id}`);
      expect(SpiritSchema.parse(await read.json())).toEqual(spirit);
    });

    test("reads are public", async () => {
      const spirit = await createSpirit(t, staff);
      expect((await t.call("GET", `/api/v1/spirits/${spirit.id}`)).status).toBe(200);
      expect((await t.call("GET", "/api/v1/spirits")).status).toBe(200);
      expect((await t.call("GET", `/api/v1/spirits/${spirit.id}/batches`)).status).toBe(200);
    });
  });

  describe("audit", () => {
    test("creating, replacing, patching and deleting are written to the audit log with the actor", async () => {
      const spirit = await createSpirit(t, staff);
      await t.call("PUT", `/api/v1/spirits/${spirit.id}`, {
        headers: staff.headers,
        body: spiritBody({ abv: 45 }),
      });
      await t.call("PATCH", `/api/v1/spirits/${spirit.id}`, { headers: admin.headers, body: { abv: 47 } });
      await t.call("DELETE", `/api/v1/spirits/${spirit.id}`, { headers: staff.headers });
      const rows = (await t.deps.db.select().from(auditLog)).filter((r) => r.subject === spirit.id);
      expect(rows.map((r) => [r.action, r.actorId])).toEqual([
        ["spirit.created", staff.id],
        ["spirit.replaced", staff.id],
        ["spirit.updated", admin.id],
        ["spirit.deleted", staff.id],
      ]);
    });
  });
});
