/**
 * Locations through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in
 * workerd); the destination matching is a unit test of the service, on Bun.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { auditLog } from "../../src/db/schema/http.ts";
import { LocationListSchema, LocationSchema } from "../../src/modules/locations/locations.schemas.ts";
import { describeTargets, letTimePass } from "../support/targets.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

type Caller = { id: string; headers: Record<string, string> };

const leith = {
  name: "Leith bonded warehouse",
  kind: "warehouse",
  country: "GB",
  region: "GB-SCT",
  shipsTo: ["GB", "EU"],
};

describeTargets("locations", (t) => {
  let staff: Caller;
  let customer: Caller;
  beforeAll(async () => {
    staff = await t.signIn("staff");
    customer = await t.signIn("customer");
  });

  async function create(body: Record<string, unknown>) {
    const res = await t.call("POST", "/api/v1/locations", { headers: staff.headers, body });
    expect(res.status, await res.clone().text()).toBe(201);
    return { res, location: LocationSchema.parse(await res.json()) };
  }

  describe("POST /api/v1/locations", () => {
    test("staff add a location: 201, Location header, normalised codes, defaults", async () => {
      const { res, location } = await create({
        ...leith,
        country: "gb",
        region: "gb-sct",
        shipsTo: ["gb", "EU", "GB", "us-ny", "*"],
      });
      expect(location.id).toStartWith("loc_");
      expect(res.headers.get("Location")).toBe(`/api/v1/locations/${location.id}`);
      expect(location).toMatchObject({
        name: "Leith bonded warehouse",
        kind: "warehouse",
        country: "GB",
        region: "GB-SCT",
        shipsTo: ["GB", "EU", "US-NY", "*"],
        active: true,
      });
      expect(location.createdAt).toBe(location.updatedAt);
      const audit = await t.deps.db.select().from(auditLog).where(eq(auditLog.subject, location.id));
      expect(audit.map((a) => [a.action, a.actorId])).toEqual([["location.created", staff.id]]);
    });

    test("a retail point without a region that ships nowhere (collection only)", async () => {
      const { location } = await create({
        name: "Royal Mile shop",
        kind: "retail",
        country: "GB",
        shipsTo: [],
      });
      expect(location).toMatchObject({ region: null, shipsTo: [], kind: "retail" });
    });

    test("validation: every bad field is named, nothing is stored", async () => {
      const before = (await t.services.locations.list()).length;
      const cases: [Record<string, unknown>, string[]][] = [
        [{}, ["name", "kind", "country", "shipsTo"]],
        [{ ...leith, name: "  " }, ["name"]],
        [{ ...leith, kind: "depot" }, ["kind"]],
        [{ ...leith, country: "XX" }, ["country"]],
        [{ ...leith, country: "GBR" }, ["country"]],
        [{ ...leith, region: "Scotland" }, ["region"]],
        [{ ...leith, region: "US-NY" }, ["region"]],
        [{ ...leith, shipsTo: ["Mars"] }, ["shipsTo.0"]],
        [{ ...leith, shipsTo: ["GB", "XX-1"] }, ["shipsTo.1"]],
        [{ ...leith, shipsTo: "GB" }, ["shipsTo"]],
        [{ ...leith, active: "yes" }, ["active"]],
        [{ ...leith, id: "loc_mine" }, ["(root)"]],
      ];
      for (const [body, paths] of cases) {
        const res = await t.call("POST", "/api/v1/locations", { headers: staff.headers, body });
        expect(res.status, JSON.stringify(body)).toBe(422);
        const problem = (await res.json()) as { errors: { path: string }[] };
        expect(problem.errors.map((e) => e.path).sort(), JSON.stringify(body)).toEqual(paths.sort());
      }
      expect(await t.services.locations.list()).toHaveLength(before);
    });

    test("401 without a token, 403 for a customer, 415 for a non-JSON body", async () => {
      expect((await t.call("POST", "/api/v1/locations", { body: leith })).status).toBe(401);
      expect(
        (await t.call("POST", "/api/v1/locations", { headers: customer.headers, body: leith })).status,
      ).toBe(403);
      const res = await t.call("POST", "/api/v1/locations", {
        headers: { ...staff.headers, "Content-Type": "text/plain" },
        body: "name=x",
      });
      expect(res.status).toBe(415);
    });
  });

  describe("GET and PUT /api/v1/locations/{id}", () => {
    test("read, replace, and a replace that changes nothing leaves updatedAt alone", async () => {
      const { location } = await create({ ...leith, name: "Glasgow depot" });
      const got = await t.call("GET", `/api/v1/locations/${location.id}`, { headers: staff.headers });
      expect(got.status).toBe(200);
      expect(LocationSchema.parse(await got.json())).toEqual(location);

      await letTimePass(t, 60_000);
      const body = {
        name: "Glasgow depot",
        kind: "warehouse",
        country: "GB",
        shipsTo: ["GB-SCT"],
        active: false,
      };
      const put = await t.call("PUT", `/api/v1/locations/${location.id}`, { headers: staff.headers, body });
      expect(put.status).toBe(200);
      const replaced = LocationSchema.parse(await put.json());
      // Omitted region becomes null; the rest is as sent.
      expect(replaced).toMatchObject({
        ...body,
        region: null,
        id: location.id,
        createdAt: location.createdAt,
      });
      expect(replaced.updatedAt > location.updatedAt).toBe(true);

      const same = await t.call("PUT", `/api/v1/locations/${location.id}`, { headers: staff.headers, body });
      expect(LocationSchema.parse(await same.json()).updatedAt).toBe(replaced.updatedAt);
      const audit = await t.deps.db.select().from(auditLog).where(eq(auditLog.subject, location.id));
      expect(audit.map((a) => a.action)).toEqual(["location.created", "location.replaced"]);
    });

    test("404 for an unknown id (GET and PUT), 422 for a bad body, roles", async () => {
      const missing = await t.call("GET", "/api/v1/locations/loc_nope", { headers: staff.headers });
      expect(missing.status).toBe(404);
      expect(missing.headers.get("Content-Type")).toContain("application/problem+json");
      const putMissing = await t.call("PUT", "/api/v1/locations/loc_nope", {
        headers: staff.headers,
        body: leith,
      });
      expect(putMissing.status).toBe(404);

      const { location } = await create(leith);
      const bad = await t.call("PUT", `/api/v1/locations/${location.id}`, {
        headers: staff.headers,
        body: { ...leith, kind: "shed" },
      });
      expect(bad.status).toBe(422);
      expect((await t.services.locations.get(location.id)).kind).toBe("warehouse");

      expect((await t.call("GET", `/api/v1/locations/${location.id}`)).status).toBe(401);
      expect(
        (await t.call("GET", `/api/v1/locations/${location.id}`, { headers: customer.headers })).status,
      ).toBe(403);
      expect(
        (await t.call("PUT", `/api/v1/locations/${location.id}`, { headers: customer.headers, body: leith }))
          .status,
      ).toBe(403);
    });
  });
});

// A block of its own, so that the listing starts from an empty database.
describeTargets("listing locations", (t) => {
  let staff: Caller;
  let customer: Caller;
  beforeAll(async () => {
    staff = await t.signIn("staff");
    customer = await t.signIn("customer");
  });

  test("pages by name with a cursor, filters by kind and active", async () => {
    for (const name of ["Delta", "Alpha", "Echo", "Charlie", "Bravo"]) {
      const res = await t.call("POST", "/api/v1/locations", {
        headers: staff.headers,
        body: {
          name,
          kind: name === "Echo" ? "retail" : "warehouse",
          country: "GB",
          shipsTo: ["GB"],
          active: name !== "Bravo",
        },
      });
      expect(res.status).toBe(201);
    }
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const res = await t.call("GET", `/api/v1/locations?limit=2${q}`, { headers: staff.headers });
      expect(res.status).toBe(200);
      const page = LocationListSchema.parse(await res.json());
      expect(page.items.length).toBeLessThanOrEqual(2);
      names.push(...page.items.map((l) => l.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual(["Alpha", "Bravo", "Charlie", "Delta", "Echo"]);

    const retail = LocationListSchema.parse(
      await (await t.call("GET", "/api/v1/locations?kind=retail", { headers: staff.headers })).json(),
    );
    expect(retail.items.map((l) => l.name)).toEqual(["Echo"]);
    const inactive = LocationListSchema.parse(
      await (await t.call("GET", "/api/v1/locations?active=false", { headers: staff.headers })).json(),
    );
    expect(inactive.items.map((l) => l.name)).toEqual(["Bravo"]);
  });

  test("bad query values are 422 naming the field; a forged cursor too", async () => {
    for (const [q, path] of [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=x", "limit"],
      ["kind=depot", "kind"],
      ["active=maybe", "active"],
      ["cursor=not-a-cursor", "cursor"],
    ]) {
      const res = await t.call("GET", `/api/v1/locations?${q}`, { headers: staff.headers });
      expect(res.status, q).toBe(422);
      expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe(path!);
    }
  });

  test("staff only", async () => {
    expect((await t.call("GET", "/api/v1/locations")).status).toBe(401);
    expect((await t.call("GET", "/api/v1/locations", { headers: customer.headers })).status).toBe(403);
  });
});

// Unit tests of the service's matching (no HTTP): in-process, on Bun only.
describe("servesDestination", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  const at = (shipsTo: string[], active = true) => ({ shipsTo, active });
  const serves = (l: { shipsTo: string[]; active: boolean }, country: string, region?: string | null) =>
    t.services.locations.servesDestination(l, { country, region });

  test("the country, the subdivision (whole or as a suffix), a group, or anywhere", () => {
    expect(serves(at(["GB"]), "GB")).toBe(true);
    expect(serves(at(["GB"]), "GB", "GB-SCT")).toBe(true);
    expect(serves(at(["GB-SCT"]), "GB", "GB-SCT")).toBe(true);
    expect(serves(at(["GB-SCT"]), "GB", "SCT")).toBe(true);
    expect(serves(at(["GB-SCT"]), "gb", "sct")).toBe(true);
    expect(serves(at(["EU"]), "FR")).toBe(true);
    expect(serves(at(["EU"]), "IE", "IE-D")).toBe(true);
    expect(serves(at(["*"]), "JP")).toBe(true);
  });

  test("not another country, not a sibling subdivision, not a country when only a subdivision is listed", () => {
    expect(serves(at(["GB"]), "IE")).toBe(false);
    expect(serves(at(["GB-SCT"]), "GB", "GB-ENG")).toBe(false);
    expect(serves(at(["GB-SCT"]), "GB")).toBe(false);
    expect(serves(at(["EU"]), "GB")).toBe(false);
    expect(serves(at(["EU"]), "CH")).toBe(false);
    expect(serves(at([]), "GB")).toBe(false);
  });

  test("an inactive location serves nothing", () => {
    expect(serves(at(["*"], false), "GB")).toBe(false);
  });

  test("serving(destination) lists the active locations that serve it", async () => {
    const local = await createTestApp();
    try {
      const s = local.services.locations;
      const a = await s.create({
        name: "A",
        kind: "warehouse",
        country: "GB",
        region: null,
        shipsTo: ["GB"],
        active: true,
      });
      await s.create({
        name: "B",
        kind: "warehouse",
        country: "FR",
        region: null,
        shipsTo: ["EU"],
        active: true,
      });
      const c = await s.create({
        name: "C",
        kind: "retail",
        country: "GB",
        region: null,
        shipsTo: ["*"],
        active: true,
      });
      await s.create({
        name: "D",
        kind: "retail",
        country: "GB",
        region: null,
        shipsTo: ["*"],
        active: false,
      });
      expect((await s.serving({ country: "GB", region: "GB-SCT" })).map((l) => l.id)).toEqual([a.id, c.id]);
      expect((await s.serving({ country: "DE" })).map((l) => l.name)).toEqual(["B", "C"]);
      expect((await s.list()).map((l) => l.name)).toEqual(["A", "B", "C", "D"]);
      expect((await s.find("loc_nope")) === undefined).toBe(true);
    } finally {
      local.close();
    }
  });
});
