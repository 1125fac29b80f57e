/**
 * Customer profiles through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in
 * workerd). Each test signs in customers of its own, since a target's database lives for the whole file.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { customers } from "../../src/db/schema/accounts.ts";
import { auditLog } from "../../src/db/schema/http.ts";
import { CustomerSchema } from "../../src/modules/customers/customers.schemas.ts";
import { describeTargets, letTimePass, type Target, todayOn } from "../support/targets.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

type Caller = Awaited<ReturnType<Target["signIn"]>>;
let n = 0;
const unique = (name: string) => `${name}-${++n}-${Date.now()}@example.com`;

const profile = {
  name: "Ada Lovelace",
  dateOfBirth: "1985-04-12",
  country: "GB",
  region: "GB-SCT",
  preferences: {
    favouriteTypes: ["scotch", "rye"],
    favouriteRegions: ["Islay"],
    favouriteDistilleries: ["Ardnahoe Bay Distillery"],
    flavourProfile: { smoky: 4, medicinal: 3, sweetness: 1 },
    priceRange: { minMinor: 5000, maxMinor: 25000, currency: "GBP" },
    avoidTags: ["sherry-cask"],
  },
};

describeTargets("customer profiles", (t) => {
  let ada: Caller;
  let bea: Caller;
  beforeEach(async () => {
    ada = await t.signIn("customer", unique("ada"));
    bea = await t.signIn("customer", unique("bea"));
  });

  const get = (who: Caller, id = "me") => t.call("GET", `/api/v1/customers/${id}`, { headers: who.headers });
  const put = (who: Caller, body: unknown, id = "me") =>
    t.call("PUT", `/api/v1/customers/${id}`, { headers: who.headers, body });
  const patch = (who: Caller, body: unknown, id = "me", type = "application/merge-patch+json") =>
    t.call("PATCH", `/api/v1/customers/${id}`, { headers: { ...who.headers, "Content-Type": type }, body });
  const stored = async (who: Caller) => CustomerSchema.parse(await (await get(who)).json());

  describe("GET /customers/{id}", () => {
    test("me and the caller's own id answer the caller's profile", async () => {
      const res = await get(ada);
      expect(res.status).toBe(200);
      const body = CustomerSchema.parse(await res.json());
      expect(body).toMatchObject({
        id: ada.id,
        email: ada.email,
        name: "Test customer",
        preferences: {},
      });
      expect(await (await get(ada, ada.id)).json()).toEqual(body);
    });

    test("another customer's profile is a 404, exactly like an id that does not exist", async () => {
      const other = await get(ada, bea.id);
      const missing = await get(ada, "cus_nobody");
      expect(other.status).toBe(404);
      expect(missing.status).toBe(404);
      const strip = async (r: Response) => {
        const { requestId: _, instance: __, ...rest } = await r.json();
        return rest;
      };
      expect(await strip(other)).toEqual(await strip(missing));
    });

    test("staff and admins read any customer; an unknown id is 404 for them", async () => {
      for (const role of ["staff", "admin"] as const) {
        const caller = await t.signIn(role);
        const res = await get(caller, ada.id);
        expect(res.status).toBe(200);
        expect((await res.json()).email).toBe(ada.email);
        expect((await get(caller, "cus_nobody")).status).toBe(404);
      }
    });

    test("anonymous callers get 401", async () => {
      expect((await t.call("GET", "/api/v1/customers/me")).status).toBe(401);
      expect((await t.call("GET", `/api/v1/customers/${ada.id}`)).status).toBe(401);
    });
  });

  describe("PUT /customers/{id}", () => {
    test("replaces the profile; fields left out are cleared", async () => {
      const res = await put(ada, profile);
      expect(res.status).toBe(200);
      const body = CustomerSchema.parse(await res.json());
      expect(body).toMatchObject({ ...profile, id: ada.id, email: ada.email });
      expect(await stored(ada)).toEqual(body);

      await letTimePass(t, 1000);
      const cleared = await (await put(ada, { name: "Ada L." })).json();
      expect(cleared).toMatchObject({
        name: "Ada L.",
        dateOfBirth: null,
        country: null,
        region: null,
        preferences: {},
      });
      expect(cleared.updatedAt > body.updatedAt).toBe(true);
    });

    test("the e-mail may be sent back unchanged, but not changed", async () => {
      expect((await put(ada, { ...profile, email: ada.email.replace("ada", "ADA") })).status).toBe(200);
      const res = await put(ada, { ...profile, name: "Changed", email: "mallory@example.com" });
      expect(res.status).toBe(422);
      expect((await res.json()).errors).toEqual([
        { path: "email", message: expect.stringContaining("read-only") },
      ]);
      expect((await stored(ada)).name).toBe("Ada Lovelace");
    });

    test("a customer cannot replace another's profile (404), and it is left as it was", async () => {
      const res = await put(ada, { name: "Hijacked" }, bea.id);
      expect(res.status).toBe(404);
      expect((await stored(bea)).name).toBe("Test customer");
    });

    test("staff may replace a customer's profile; that is audited with the field names only", async () => {
      const staff = await t.signIn("staff");
      const res = await put(staff, profile, ada.id);
      expect(res.status).toBe(200);
      const entries = await t.deps.db.select().from(auditLog).where(eq(auditLog.subject, ada.id));
      expect(entries).toEqual([
        expect.objectContaining({
          actorId: staff.id,
          action: "customer.replaced",
          detail: { fields: ["name", "dateOfBirth", "country", "region", "preferences"] },
        }),
      ]);
      expect(JSON.stringify(entries)).not.toContain("1985-04-12");
    });

    test("a customer's own edits are not audited, and a write that changes nothing keeps updatedAt", async () => {
      const first = await (await put(ada, profile)).json();
      await letTimePass(t, 60_000);
      const again = await (await put(ada, profile)).json();
      expect(again.updatedAt).toBe(first.updatedAt);
      expect(await t.deps.db.select().from(auditLog).where(eq(auditLog.subject, ada.id))).toEqual([]);
    });
  });

  describe("PATCH /customers/{id}", () => {
    beforeEach(async () => {
      await put(ada, profile);
    });

    test("changes only what it names; null clears a field", async () => {
      const res = await patch(ada, { region: null, country: "US" });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({
        name: "Ada Lovelace",
        dateOfBirth: "1985-04-12",
        country: "US",
        region: null,
      });
      expect(body.preferences).toEqual(profile.preferences);
    });

    test("preferences merge member by member, scores and price bounds too", async () => {
      const res = await patch(ada, {
        preferences: {
          favouriteTypes: ["bourbon"],
          flavourProfile: { smoky: null, fruity: 2 },
          priceRange: { maxMinor: null },
          avoidTags: null,
        },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).preferences).toEqual({
        favouriteTypes: ["bourbon"],
        favouriteRegions: ["Islay"],
        favouriteDistilleries: ["Ardnahoe Bay Distillery"],
        flavourProfile: { medicinal: 3, sweetness: 1, fruity: 2 },
        priceRange: { minMinor: 5000, currency: "GBP" },
      });
    });

    test("preferences: null empties them", async () => {
      expect((await (await patch(ada, { preferences: null })).json()).preferences).toEqual({});
    });

    test("application/json works as well as application/merge-patch+json", async () => {
      const res = await patch(ada, { name: "Ada" }, "me", "application/json");
      expect(res.status).toBe(200);
      expect((await res.json()).name).toBe("Ada");
    });

    test("the merged preferences are validated as a whole", async () => {
      await patch(ada, { preferences: { priceRange: null } });
      const noCurrency = await patch(ada, { preferences: { priceRange: { minMinor: 100 } } });
      expect(noCurrency.status).toBe(422);
      expect((await noCurrency.json()).errors).toEqual([
        { path: "preferences.priceRange.currency", message: "is required" },
      ]);

      await patch(ada, { preferences: { priceRange: { minMinor: 5000, currency: "GBP" } } });
      const inverted = await patch(ada, { preferences: { priceRange: { maxMinor: 100 } } });
      expect(inverted.status).toBe(422);
      expect((await inverted.json()).errors).toEqual([
        { path: "preferences.priceRange.maxMinor", message: "must not be below minMinor" },
      ]);
      expect((await stored(ada)).preferences.priceRange).toEqual({ minMinor: 5000, currency: "GBP" });
    });

    test("a display name is set, kept by patches that leave it out, and cleared by null or a PUT without it", async () => {
      const set = await patch(ada, { displayName: "  Ada of Islay " });
      expect(set.status).toBe(200);
      expect(CustomerSchema.parse(await set.json()).displayName).toBe("Ada of Islay");
      expect((await patch(ada, { region: "GB-WLS" })).status).toBe(200);
      expect((await stored(ada)).displayName).toBe("Ada of Islay");
      expect((await (await patch(ada, { displayName: null })).json()).displayName).toBeNull();
      expect((await (await put(ada, { ...profile, displayName: "A".repeat(40) })).json()).displayName).toBe(
        "A".repeat(40),
      );
      expect((await (await put(ada, profile)).json()).displayName).toBeNull();
    });

    test("staff may patch any customer; another customer may not (404)", async () => {
      const staff = await t.signIn("staff");
      expect((await patch(staff, { region: "GB-WLS" }, ada.id)).status).toBe(200);
      expect((await patch(bea, { region: "GB-NIR" }, ada.id)).status).toBe(404);
      expect((await stored(ada)).region).toBe("GB-WLS");
    });
  });

  describe("regions are ISO 3166-2 codes, checked as orders check them", () => {
    test("a region written as a name is refused with what is expected", async () => {
      const res = await put(ada, { ...profile, region: "Scotland" });
      expect(res.status).toBe(422);
      expect((await res.json()).errors).toEqual([
        { path: "region", message: expect.stringContaining("such as GB-SCT") },
      ]);
    });

    test("a code is stored whole, however it was written", async () => {
      expect((await (await put(ada, { ...profile, region: " sct " })).json()).region).toBe("GB-SCT");
      expect((await (await patch(ada, { region: "wls" })).json()).region).toBe("GB-WLS");
      expect((await (await put(ada, { name: "Ada", region: "US-KY" })).json()).region).toBe("US-KY");
      expect((await stored(ada)).region).toBe("US-KY");
    });

    test("the region must lie in the country, the stored one too", async () => {
      await put(ada, profile);
      const other = await put(ada, { ...profile, region: "US-KY" });
      expect(other.status).toBe(422);
      expect((await other.json()).errors).toEqual([
        { path: "region", message: expect.stringContaining("subdivision of GB") },
      ]);
      const moved = await patch(ada, { country: "US" });
      expect(moved.status).toBe(422);
      expect((await moved.json()).errors).toEqual([
        { path: "region", message: expect.stringContaining("GB-SCT") },
      ]);
      expect((await patch(ada, { region: "US-KY" })).status).toBe(422);
      expect(await (await patch(ada, { country: "US", region: "KY" })).json()).toMatchObject({
        country: "US",
        region: "US-KY",
      });
    });

    test("a name stored before codes were required reads as no region and does not block other edits", async () => {
      await put(ada, profile);
      await t.deps.db.update(customers).set({ region: "Scotland" }).where(eq(customers.id, ada.id));
      const res = await get(ada);
      expect(res.status).toBe(200);
      expect(CustomerSchema.parse(await res.json()).region).toBeNull();
      const renamed = await patch(ada, { name: "Ada L.", country: "GB" });
      expect(renamed.status).toBe(200);
      expect((await renamed.json()).region).toBeNull();
    });
  });

  describe("one answer lists every problem, the schema's and the rules checked beside it", () => {
    const future = "2999-01-01";
    const paths = async (res: Response) => {
      expect(res.status).toBe(422);
      return ((await res.json()).errors as { path: string }[]).map((e) => e.path).sort();
    };

    test("a bad e-mail and a date of birth in the future, in a replacement and in a patch", async () => {
      await put(ada, profile);
      const before = await stored(ada);
      for (const body of [
        { ...profile, email: 42, dateOfBirth: future },
        { ...profile, email: "mallory@example.com", dateOfBirth: future },
      ]) {
        expect(await paths(await put(ada, body))).toEqual(["dateOfBirth", "email"]);
      }
      expect(await paths(await patch(ada, { email: 42, dateOfBirth: future }))).toEqual([
        "dateOfBirth",
        "email",
      ]);
      expect(await stored(ada)).toEqual(before);
    });

    test("a date of birth in the future beside an unknown field, a bad country or a region in the wrong country", async () => {
      await put(ada, profile);
      expect(await paths(await put(ada, { ...profile, nickname: "A", dateOfBirth: future }))).toEqual([
        "(root)",
        "dateOfBirth",
      ]);
      expect(
        await paths(await put(ada, { ...profile, name: "", dateOfBirth: future, region: "US-KY" })),
      ).toEqual(["dateOfBirth", "name", "region"]);
      expect(
        await paths(
          await patch(ada, {
            name: 7,
            dateOfBirth: future,
            country: "US",
            preferences: { priceRange: { maxMinor: 1 } },
          }),
        ),
      ).toEqual(["dateOfBirth", "name", "preferences.priceRange.maxMinor", "region"]);
    });

    test("a field the schema faults is not faulted twice", async () => {
      expect(
        (await (await put(ada, { ...profile, email: 42, dateOfBirth: "29990101" })).json()).errors,
      ).toEqual([
        { path: "email", message: expect.any(String) },
        { path: "dateOfBirth", message: expect.any(String) },
      ]);
    });
  });

  // The target's today is only known when a test runs (the Bun target's TestClock, the Worker's real time).
  const TODAY = "<today>";
  const onToday = (change: Record<string, unknown>) =>
    change.dateOfBirth === TODAY ? { ...change, dateOfBirth: todayOn(t) } : change;

  describe("profile validation: 422 with each field named, and nothing changes", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ["no name", { name: undefined }, "name"],
      ["an empty name", { name: "   " }, "name"],
      ["a date of birth in the future", { dateOfBirth: "2030-01-01" }, "dateOfBirth"],
      ["a date of birth of today", { dateOfBirth: TODAY }, "dateOfBirth"],
      ["a date of birth that is not a date", { dateOfBirth: "12/04/1985" }, "dateOfBirth"],
      ["a date of birth that does not exist", { dateOfBirth: "1985-02-30" }, "dateOfBirth"],
      ["an empty display name", { displayName: " " }, "displayName"],
      ["a display name over 40 characters", { displayName: "A".repeat(41) }, "displayName"],
      ["a display name with an e-mail address", { displayName: "ada@example.com" }, "displayName"],
      ["a display name with a link", { displayName: "see www.ada.example" }, "displayName"],
      ["a display name with a domain", { displayName: "Cheap-bottles.shop" }, "displayName"],
      ["a display name that is not text", { displayName: 42 }, "displayName"],
      ["a lower-case country", { country: "gb" }, "country"],
      ["a country that is not ISO 3166-1", { country: "XX" }, "country"],
      ["a region written as a name", { region: "Scotland" }, "region"],
      ["a region of another country", { region: "US-KY" }, "region"],
      ["a region that is not text", { region: 7 }, "region"],
      ["an unknown field", { nickname: "Ada" }, "(root)"],
      [
        "an unknown spirit type",
        { preferences: { favouriteTypes: ["moonshine"] } },
        "preferences.favouriteTypes.0",
      ],
      ["a repeated type", { preferences: { favouriteTypes: ["rye", "rye"] } }, "preferences.favouriteTypes"],
      [
        "an unknown flavour dimension",
        { preferences: { flavourProfile: { umami: 2 } } },
        "preferences.flavourProfile",
      ],
      [
        "a flavour score of 5",
        { preferences: { flavourProfile: { smoky: 5 } } },
        "preferences.flavourProfile.smoky",
      ],
      [
        "a fractional score",
        { preferences: { flavourProfile: { smoky: 1.5 } } },
        "preferences.flavourProfile.smoky",
      ],
      [
        "a price range without currency",
        { preferences: { priceRange: { minMinor: 1 } } },
        "preferences.priceRange.currency",
      ],
      [
        "a negative price",
        { preferences: { priceRange: { minMinor: -1, currency: "GBP" } } },
        "preferences.priceRange.minMinor",
      ],
      [
        "an unknown currency",
        { preferences: { priceRange: { currency: "XYZ" } } },
        "preferences.priceRange.currency",
      ],
      [
        "a tag that is not a slug",
        { preferences: { avoidTags: ["Sherry Cask"] } },
        "preferences.avoidTags.0",
      ],
      ["an unknown preference", { preferences: { favouriteColour: "amber" } }, "preferences"],
      [
        "too many regions",
        { preferences: { favouriteRegions: Array.from({ length: 31 }, (_, i) => `R${i}`) } },
        "preferences.favouriteRegions",
      ],
    ];

    test.each(cases)("PUT with %s", async (_what, change, path) => {
      const before = await stored(ada);
      const res = await put(ada, { ...profile, ...onToday(change) });
      expect(res.status).toBe(422);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      const body = await res.json();
      expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await stored(ada)).toEqual(before);
    });

    // Leaving out a name or a currency is fine in a patch: the stored ones stay.
    const patchCases = cases.filter(
      ([what]) => what !== "no name" && what !== "a price range without currency",
    );
    test.each(patchCases)("PATCH with %s", async (_what, change, path) => {
      await put(ada, profile);
      const before = await stored(ada);
      const res = await patch(ada, onToday(change));
      expect(res.status).toBe(422);
      expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await stored(ada)).toEqual(before);
    });
  });
});

// The exact updatedAt needs the TestClock, which only the in-process app has.
describe("profile timestamps, on the TestClock (Bun only)", () => {
  let app: TestApp;
  const clock = new TestClock();
  beforeEach(async () => {
    app = await createTestApp({ clock });
  });
  afterEach(() => app.close());

  test("a replacement's updatedAt is the clock's time", async () => {
    const ada = await app.signIn("customer", "ada@example.com");
    clock.advance(1000);
    const res = await app.call("PUT", "/api/v1/customers/me", {
      headers: ada.headers,
      body: { name: "Ada L." },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).updatedAt).toBe(clock.now().toISOString());
  });
});
