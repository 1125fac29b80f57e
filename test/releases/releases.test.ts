/**
 * Releases (drops) through the HTTP API, one suite on both targets: staff schedule and change them, anyone
 * reads them with a state derived from the clock and the stock engine, and a customer learns which
 * eligibility rule refuses them.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { ReleaseListSchema, ReleaseSchema } from "../../src/modules/releases/releases.schemas.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

const HOUR = 3_600_000;

describeTargets("releases", (t) => {
  let shop: Shop;
  let spiritId: string;
  const at = (ms: number) => new Date(t.deps.clock.now().getTime() + ms).toISOString();
  beforeAll(async () => {
    shop = await openShop(t);
    spiritId = await shop.spirit();
    await shop.receive(spiritId, 8, shop.loc("a"));
  });

  async function schedule(body: Record<string, unknown> = {}) {
    const res = await t.call("POST", "/api/v1/releases", {
      headers: shop.staff.headers,
      body: {
        spiritId,
        name: "The last casks",
        mode: "first_come",
        allocation: 5,
        opensAt: at(-HOUR),
        closesAt: at(HOUR),
        ...body,
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return { res, release: ReleaseSchema.parse(await res.json()) };
  }

  describe("staff schedule, anyone reads", () => {
    test("201 with Location; open now, remaining capped by the allocation", async () => {
      const { res, release } = await schedule();
      expect(res.headers.get("Location")).toBe(`/api/v1/releases/${release.id}`);
      expect(release).toMatchObject({ state: "open", allocation: 5, remaining: 5, perCustomerLimit: 1 });
      const read = await t.call("GET", `/api/v1/releases/${release.id}`);
      expect(ReleaseSchema.parse(await read.json())).toEqual(release);
    });

    test("remaining is what the stock engine still has when that is below the allocation", async () => {
      const { release } = await schedule({ allocation: 50 });
      expect(release.remaining).toBe(8);
    });

    test("scheduled before opensAt, closed after closesAt; the list is public and by opening time", async () => {
      const later = (await schedule({ opensAt: at(2 * HOUR), closesAt: at(3 * HOUR) })).release;
      const past = (await schedule({ opensAt: at(-3 * HOUR), closesAt: at(-2 * HOUR) })).release;
      expect(later.state).toBe("scheduled");
      expect(past.state).toBe("closed");
      const list = ReleaseListSchema.parse(await (await t.call("GET", "/api/v1/releases?limit=100")).json());
      const ids = list.items.map((r) => r.id);
      expect(ids.indexOf(past.id)).toBeLessThan(ids.indexOf(later.id));
    });

    test("sold_out when the spirit has no bottles left", async () => {
      const empty = await shop.spirit();
      const { release } = await schedule({ spiritId: empty });
      expect(release).toMatchObject({ state: "sold_out", remaining: 0 });
    });

    test("refusals: anonymous 401, customer 403, a window backwards or an unknown spirit 422", async () => {
      const customer = await shop.customer();
      const body = { spiritId, name: "x", mode: "queue", allocation: 1, opensAt: at(0), closesAt: at(HOUR) };
      expect((await t.call("POST", "/api/v1/releases", { body })).status).toBe(401);
      expect((await t.call("POST", "/api/v1/releases", { headers: customer.headers, body })).status).toBe(
        403,
      );
      const backwards = await t.call("POST", "/api/v1/releases", {
        headers: shop.staff.headers,
        body: { ...body, closesAt: at(-HOUR) },
      });
      expect(backwards.status).toBe(422);
      expect((await backwards.json()).errors).toEqual([
        { path: "closesAt", message: "must be after opensAt" },
      ]);
      const unknown = await t.call("POST", "/api/v1/releases", {
        headers: shop.staff.headers,
        body: { ...body, spiritId: "spr_missing" },
      });
      expect(unknown.status).toBe(422);
      expect((await t.call("GET", "/api/v1/releases/rel_missing")).status).toBe(404);
    });

    test("PATCH: rules change before opening; after it only the name (409); customers 403", async () => {
      const { release } = await schedule({ opensAt: at(HOUR), closesAt: at(2 * HOUR) });
      const path = `/api/v1/releases/${release.id}`;
      const changed = await t.call("PATCH", path, {
        headers: shop.staff.headers,
        body: { allocation: 3, eligibility: { minimumPurchases: 1 } },
      });
      expect(changed.status).toBe(200);
      expect(await changed.json()).toMatchObject({ allocation: 3, eligibility: { minimumPurchases: 1 } });
      const customer = await shop.customer();
      expect((await t.call("PATCH", path, { headers: customer.headers, body: { name: "y" } })).status).toBe(
        403,
      );
      const open = (await schedule()).release;
      const late = await t.call("PATCH", `/api/v1/releases/${open.id}`, {
        headers: shop.staff.headers,
        body: { allocation: 1 },
      });
      expect(late.status).toBe(409);
      const renamed = await t.call("PATCH", `/api/v1/releases/${open.id}`, {
        headers: shop.staff.headers,
        body: { name: "Renamed" },
      });
      expect(await renamed.json()).toMatchObject({ name: "Renamed", allocation: 5 });
    });
  });

  describe("eligibility", () => {
    async function check(rules: Record<string, unknown>, who?: { headers: Record<string, string> }) {
      const { release } = await schedule({ eligibility: rules });
      const caller = who ?? (await shop.customer());
      const res = await t.call("GET", `/api/v1/releases/${release.id}/eligibility`, {
        headers: caller.headers,
      });
      expect(res.status).toBe(200);
      return res.json();
    }

    test("no rules: eligible", async () => {
      expect(await check({})).toEqual({ eligible: true, rule: null, detail: null });
    });

    test("a new account fails minimumAccountAgeDays, by name", async () => {
      expect(await check({ minimumAccountAgeDays: 30 })).toMatchObject({
        eligible: false,
        rule: "minimumAccountAgeDays",
      });
    });

    test("no paid orders fails minimumPurchases; a confirmed order passes it", async () => {
      const buyer = await shop.customer();
      expect(await check({ minimumPurchases: 1 }, buyer)).toMatchObject({ rule: "minimumPurchases" });
      const order = (await (await shop.order(buyer, [{ spiritId, quantity: 1 }])).json()) as { id: string };
      expect((await shop.act(shop.staff, order.id, "confirm")).status).toBe(200);
      expect(await check({ minimumPurchases: 1 }, buyer)).toMatchObject({ eligible: true });
    });

    test("requireVerifiedEmail refuses an unverified account", async () => {
      expect(await check({ requireVerifiedEmail: true })).toMatchObject({ rule: "requireVerifiedEmail" });
    });

    test("only customers ask: anonymous 401, staff 403", async () => {
      const { release } = await schedule();
      const path = `/api/v1/releases/${release.id}/eligibility`;
      expect((await t.call("GET", path)).status).toBe(401);
      expect((await t.call("GET", path, { headers: shop.staff.headers })).status).toBe(403);
    });
  });

  describe("first come: the rules and limit again when the order's hold is placed", () => {
    test("an ineligible customer's order: 403 not-eligible naming the rule; nothing held", async () => {
      const drop = await shop.spirit();
      await shop.receive(drop, 4, shop.loc("a"));
      const { release } = await schedule({ spiritId: drop, eligibility: { minimumPurchases: 1 } });
      const res = await shop.order(await shop.customer(), [{ spiritId: drop, quantity: 1 }]);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({
        code: "not-eligible",
        rule: "minimumPurchases",
        releaseId: release.id,
      });
      expect((await shop.inventory(drop)).available).toBe(4);
    });

    test("a first-come release sells its allocation and no more, though the shop holds more stock", async () => {
      const spirit = await shop.spirit();
      await shop.receive(spirit, 10, shop.loc("a"));
      const { release } = await schedule({ spiritId: spirit, allocation: 2 });
      const buyers = await Promise.all([1, 2, 3, 4].map(() => shop.customer()));
      // Together, as a drop's buyers arrive: exactly two holds, whatever the order they land in.
      const answers = await Promise.all(
        buyers.map((b) => shop.order(b, [{ spiritId: spirit, quantity: 1 }])),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 409, 409]);
      const refused = answers.find((r) => r.status === 409)!;
      expect((await refused.json()).code).toBe("sold-out");
      const view = ReleaseSchema.parse(await (await t.call("GET", `/api/v1/releases/${release.id}`)).json());
      expect(view).toMatchObject({ remaining: 0, state: "sold_out" });

      // A cancelled order gives its bottle back to the release.
      const i = answers.findIndex((r) => r.status === 201);
      const placed = (await answers[i]!.json()) as { id: string };
      expect((await shop.act(buyers[i]!, placed.id, "cancel")).status).toBe(200);
      const late = buyers[answers.findIndex((r) => r.status === 409)]!;
      expect((await shop.order(late, [{ spiritId: spirit, quantity: 1 }])).status).toBe(201);
    });

    test("the release's per-customer limit binds its orders; after the window it does not", async () => {
      const drop = await shop.spirit();
      await shop.receive(drop, 6, shop.loc("a"));
      await schedule({ spiritId: drop, perCustomerLimit: 1 });
      const buyer = await shop.customer();
      const two = await shop.order(buyer, [{ spiritId: drop, quantity: 2 }]);
      expect(two.status).toBe(422);
      expect((await two.json()).code).toBe("per-customer-limit");
      expect((await shop.order(buyer, [{ spiritId: drop, quantity: 1 }])).status).toBe(201);
      const after = await shop.spirit();
      await shop.receive(after, 6, shop.loc("a"));
      await schedule({ spiritId: after, perCustomerLimit: 1, opensAt: at(-2 * HOUR), closesAt: at(-HOUR) });
      expect((await shop.order(buyer, [{ spiritId: after, quantity: 2 }])).status).toBe(201);
    });
  });
});
