/**
 * PATCH of spirits (JSON merge patch) through the HTTP API, one suite on both targets (in-process on Bun,
 * the Worker build in workerd). Times are checked against the target's clock: the Bun target's TestClock
 * (exact), the Worker's real time (within the request).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { auditLog } from "../../src/db/schema/http.ts";
import { SpiritSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { describeTargets, letTimePass, type Target } from "../support/targets.ts";
import { createSpirit, paths, spiritBody, validationErrors } from "./fixtures.ts";

describeTargets("patching spirits", (t) => {
  let staff: Awaited<ReturnType<Target["signIn"]>>;

  beforeAll(async () => {
    staff = await t.signIn("staff");
  });
  const now = () => t.deps.clock.now().toISOString();

  async function patch(id: string, body: unknown, contentType = "application/merge-patch+json") {
    return t.call("PATCH", `/api/v1/spirits/${id}`, {
      headers: { ...staff.headers, "Content-Type": contentType },
      body,
    });
  }

  async function patched(id: string, body: unknown, contentType?: string) {
    const res = await patch(id, body, contentType);
    expect(res.status).toBe(200);
    return SpiritSchema.parse(await res.json());
  }

  describe("PATCH is a JSON merge patch", () => {
    test("fields left out stay as they were; the ones sent change; updatedAt moves", async () => {
      const spirit = await createSpirit(t, staff);
      await letTimePass(t, 5000);
      const from = now();
      const after = await patched(spirit.id, { name: "New name", abv: 48.5 });
      const to = now();
      expect(after).toEqual({ ...spirit, name: "New name", abv: 48.5, updatedAt: after.updatedAt });
      expect(after.updatedAt > spirit.updatedAt).toBe(true);
      expect([from <= after.updatedAt, after.updatedAt <= to]).toEqual([true, true]);
    });

    test("works with application/json too", async () => {
      const spirit = await createSpirit(t, staff);
      expect((await patched(spirit.id, { status: "sold_out" }, "application/json")).status).toBe("sold_out");
    });

    test("null clears an optional field", async () => {
      const spirit = await createSpirit(t, staff);
      const after = await patched(spirit.id, {
        region: null,
        caskType: null,
        vintage: null,
        holdMinutes: null,
      });
      expect(after).toMatchObject({ region: null, caskType: null, vintage: null, holdMinutes: null });
      expect(after.ageYears).toBe(spirit.ageYears);
    });

    test("objects merge key by key: flavour profile, tasting notes, attributes, price", async () => {
      const spirit = await createSpirit(t, staff);
      const after = await patched(spirit.id, {
        flavourProfile: { smoky: 2, sweetness: null },
        tastingNotes: { finish: "Long" },
        attributes: { bottler: null, "cask-count": 4, new: true },
        price: { amountMinor: 4900 },
      });
      expect(after.flavourProfile).toEqual({ body: 2, smoky: 2, fruity: 2 });
      expect(after.tastingNotes).toEqual({ ...spirit.tastingNotes, finish: "Long" });
      expect(after.attributes).toEqual({ "chill-filtered": false, "cask-count": 4, new: true });
      expect(after.price).toEqual({ amountMinor: 4900, currency: "GBP" });
    });

    test("arrays are replaced whole; null empties them", async () => {
      const spirit = await createSpirit(t, staff);
      const replaced = await patched(spirit.id, { tags: ["new-tag"], awards: null });
      expect(replaced.tags).toEqual(["new-tag"]);
      expect(replaced.awards).toEqual([]);
      expect(replaced.media).toEqual(spirit.media);
    });

    test("a patch that changes nothing (empty, or the same values) leaves even updatedAt alone", async () => {
      const spirit = await createSpirit(t, staff);
      await letTimePass(t, 1000);
      expect(await patched(spirit.id, {})).toEqual(spirit);
      expect(await patched(spirit.id, { name: spirit.name, attributes: { bottler: "distillery" } })).toEqual(
        spirit,
      );
      const audit = (await t.deps.db.select().from(auditLog)).filter((r) => r.subject === spirit.id);
      expect(audit.map((r) => r.action)).toEqual(["spirit.created"]);
    });

    test("the patch itself is validated: bad values and unknown fields are 422", async () => {
      const spirit = await createSpirit(t, staff);
      for (const [body, path] of [
        [{ abv: 0 }, "abv"],
        [{ name: null }, "name"],
        [{ price: null }, "price"],
        [{ price: { currency: "gbp" } }, "price.currency"],
        [{ flavourProfile: { umami: 2 } }, "flavourProfile"],
        [{ attributes: { nested: { a: 1 } } }, "attributes.nested"],
        [{ id: "spr_other" }, "(root)"],
        [{ createdAt: "2020-01-01T00:00:00Z" }, "(root)"],
      ] as const) {
        const res = await patch(spirit.id, body);
        expect(paths(await validationErrors(res))).toContain(path);
      }
      const read = SpiritSchema.parse(await (await t.call("GET", `/api/v1/spirits/${spirit.id}`)).json());
      expect(read).toEqual(spirit);
    });

    test("the result is validated as a whole: a patch cannot leave a bad spirit", async () => {
      const spirit = await createSpirit(t, staff);
      const limited = await patch(spirit.id, { limitedEdition: true });
      const errors = await validationErrors(limited);
      expect(errors).toEqual([{ path: "totalOutturn", message: "is required for a limited edition" }]);
      const ok = await patched(spirit.id, { limitedEdition: true, totalOutturn: 300 });
      expect(ok).toMatchObject({ limitedEdition: true, totalOutturn: 300 });
      const unlimit = await patch(spirit.id, { limitedEdition: false });
      expect(paths(await validationErrors(unlimit))).toEqual(["totalOutturn"]);
      const cleared = await patched(spirit.id, { limitedEdition: false, totalOutturn: null });
      expect(cleared).toMatchObject({ limitedEdition: false, totalOutturn: null });
    });

    test("a body that is not an object is 422", async () => {
      const spirit = await createSpirit(t, staff);
      for (const body of ["[1,2]", '"text"', "null"]) {
        const res = await patch(spirit.id, body);
        expect(res.status).toBe(422);
      }
    });

    test("patching a field of a spirit made with the minimal body keeps its defaults valid", async () => {
      const spirit = await createSpirit(t, staff, spiritBody({ tastingNotes: undefined }));
      const after = await patched(spirit.id, { tastingNotes: { nose: "Smoke" } });
      expect(after.tastingNotes).toEqual({ nose: "Smoke", palate: "", finish: "" });
    });
  });
});
