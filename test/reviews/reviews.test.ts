/**
 * Reviews through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in workerd).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { recommendationQueue } from "../../src/db/schema/recommendations.ts";
import {
  ReviewListSchema,
  ReviewQueueSchema,
  ReviewSchema,
} from "../../src/modules/reviews/reviews.schemas.ts";
import { createSpirit, spiritBody } from "../catalog/fixtures.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets, letTimePass } from "../support/targets.ts";

const GOOD = "Peat smoke and iodine up front, then smoked pear and sea salt. A long, drying finish.";

type Caller = { id: string; headers: Record<string, string> };

describeTargets("reviews", (t) => {
  let shop: Shop;
  let staff: { headers: Record<string, string> };

  beforeAll(async () => {
    shop = await openShop(t);
    staff = shop.staff;
  });

  async function post(who: Caller, spiritId: string, body: Record<string, unknown>) {
    return t.call("POST", `/api/v1/spirits/${spiritId}/reviews`, { headers: who.headers, body });
  }
  async function rating(spiritId: string) {
    const res = await t.call("GET", `/api/v1/spirits/${spiritId}`);
    return ((await res.json()) as { rating: { average: number | null; count: number } }).rating;
  }
  async function publicList(spiritId: string, headers: Record<string, string> = {}) {
    const res = await t.call("GET", `/api/v1/spirits/${spiritId}/reviews`, { headers });
    expect(res.status).toBe(200);
    return ReviewListSchema.parse(await res.json()).items;
  }

  describe("writing reviews", () => {
    test("a plain review is approved at once and counts in the spirit's rating", async () => {
      const spirit = await createSpirit(t, staff);
      const a = await t.signIn("customer");
      const b = await t.signIn("customer");
      const res = await post(a, spirit.id, { rating: 5, title: "Bonfire on a beach", body: GOOD });
      expect(res.status).toBe(201);
      const review = ReviewSchema.parse(await res.json());
      expect(review).toMatchObject({ rating: 5, status: "approved", verifiedPurchase: false });
      expect(res.headers.get("Location")).toBe(`/api/v1/spirits/${spirit.id}/reviews/${review.id}`);
      expect(await rating(spirit.id)).toEqual({ average: 5, count: 1 });
      expect((await post(b, spirit.id, { rating: 2, body: GOOD })).status).toBe(201);
      expect(await rating(spirit.id)).toEqual({ average: 3.5, count: 2 });
      const listed = await publicList(spirit.id);
      expect(listed.map((r) => r.rating)).toEqual([2, 5]);
      // The public sees no moderation details.
      expect(listed.every((r) => r.moderation === null)).toBe(true);
    });

    test("one review per customer and spirit: the second is a 409 naming the first", async () => {
      const spirit = await createSpirit(t, staff);
      const a = await t.signIn("customer");
      const first = ReviewSchema.parse(await (await post(a, spirit.id, { rating: 4, body: GOOD })).json());
      const again = await post(a, spirit.id, { rating: 1, body: GOOD });
      expect(again.status).toBe(409);
      expect(again.headers.get("Content-Type")).toBe("application/problem+json");
      expect(((await again.json()) as { reviewId: string }).reviewId).toBe(first.id);
      // Two at once: the unique index lets exactly one through.
      const b = await t.signIn("customer");
      const racing = await Promise.all([1, 2, 3].map(() => post(b, spirit.id, { rating: 3, body: GOOD })));
      expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(await rating(spirit.id)).toEqual({ average: 3.5, count: 2 });
    });

    test("bad input is a 422 naming each field and changes nothing", async () => {
      const spirit = await createSpirit(t, staff);
      const a = await t.signIn("customer");
      for (const body of [
        { rating: 6, body: GOOD },
        { rating: 0, body: GOOD },
        { rating: 4.5, body: GOOD },
        { rating: 4 },
        { rating: 4, body: "   " },
        { rating: 4, body: "x".repeat(5001) },
        { rating: 4, body: GOOD, stars: 5 },
      ]) {
        const res = await post(a, spirit.id, body);
        expect(res.status).toBe(422);
        const errors = ((await res.json()) as { errors: { path: string }[] }).errors;
        expect(errors.length).toBeGreaterThan(0);
      }
      expect(await publicList(spirit.id)).toEqual([]);
      expect(await rating(spirit.id)).toEqual({ average: null, count: 0 });
    });

    test("only signed-in customers write reviews; unknown spirits are 404", async () => {
      const spirit = await createSpirit(t, staff);
      expect(
        (await t.call("POST", `/api/v1/spirits/${spirit.id}/reviews`, { body: { rating: 5, body: GOOD } }))
          .status,
      ).toBe(401);
      expect((await post(await t.signIn("staff"), spirit.id, { rating: 5, body: GOOD })).status).toBe(403);
      expect((await post(await t.signIn("customer"), "spr_nope", { rating: 5, body: GOOD })).status).toBe(
        404,
      );
    });

    test("verified purchase: set when the customer has a confirmed order for the spirit", async () => {
      const spiritId = await shop.spirit();
      await shop.receive(spiritId, 5);
      const buyer = await shop.customer();
      const placed = await shop.order(buyer, [{ spiritId, quantity: 1 }]);
      expect(placed.status).toBe(201);
      const orderId = ((await placed.json()) as { id: string }).id;
      // Held but not paid: not yet a purchase.
      const early = ReviewSchema.parse(await (await post(buyer, spiritId, { rating: 4, body: GOOD })).json());
      expect(early.verifiedPurchase).toBe(false);
      expect((await shop.act(shop.staff, orderId, "confirm")).status).toBe(200);
      const edited = await t.call("PUT", `/api/v1/spirits/${spiritId}/reviews/${early.id}`, {
        headers: buyer.headers,
        body: { rating: 5, body: GOOD },
      });
      expect(ReviewSchema.parse(await edited.json()).verifiedPurchase).toBe(true);
      const other = await shop.customer();
      const res = ReviewSchema.parse(await (await post(other, spiritId, { rating: 3, body: GOOD })).json());
      expect(res.verifiedPurchase).toBe(false);
    });
  });

  describe("moderation", () => {
    test.each([
      ["a link", `${GOOD} Cheaper at https://example.com/deal`, "link"],
      ["an e-mail address", `${GOOD} Write to me: someone@example.com`, "link"],
      ["a banned word", `${GOOD} Shit value though.`, "banned"],
      ["very short text", "Nice.", "shorter"],
      ["very long text", "Lovely dram. ".repeat(200), "longer"],
    ])("a review with %s waits for staff and is not public", async (_what, body, why) => {
      const spirit = await createSpirit(t, staff);
      const author = await t.signIn("customer");
      const res = await post(author, spirit.id, { rating: 1, body });
      expect(res.status).toBe(201);
      const review = ReviewSchema.parse(await res.json());
      expect(review.status).toBe("pending");
      expect(review.moderation?.decidedBy).toBe("rules");
      expect(review.moderation?.note).toContain(why);
      expect(await publicList(spirit.id)).toEqual([]);
      expect(await rating(spirit.id)).toEqual({ average: null, count: 0 });
      const path = `/api/v1/spirits/${spirit.id}/reviews/${review.id}`;
      // Its author and staff can read it; anyone else is told it does not exist.
      expect((await t.call("GET", path, { headers: author.headers })).status).toBe(200);
      expect((await t.call("GET", path, { headers: staff.headers })).status).toBe(200);
      expect((await t.call("GET", path)).status).toBe(404);
      expect((await t.call("GET", path, { headers: (await t.signIn("customer")).headers })).status).toBe(404);
    });

    test("staff approve and reject; only approved reviews are public and counted", async () => {
      const spirit = await createSpirit(t, staff);
      const a = await t.signIn("customer");
      const b = await t.signIn("customer");
      const held = ReviewSchema.parse(await (await post(a, spirit.id, { rating: 2, body: "Meh." })).json());
      const fine = ReviewSchema.parse(await (await post(b, spirit.id, { rating: 4, body: GOOD })).json());
      const base = `/api/v1/spirits/${spirit.id}/reviews`;

      const pending = await t.call("GET", `${base}?status=pending`, { headers: staff.headers });
      expect(ReviewListSchema.parse(await pending.json()).items.map((r) => r.id)).toEqual([held.id]);
      expect((await t.call("GET", `${base}?status=pending`, { headers: a.headers })).status).toBe(403);
      expect((await t.call("GET", `${base}?status=pending`)).status).toBe(401);

      const moderate = (id: string, who: Caller, body: unknown) =>
        t.call("POST", `${base}/${id}/moderation`, { headers: who.headers, body });
      expect((await moderate(held.id, a as Caller, { decision: "approve" })).status).toBe(403);
      expect((await moderate(held.id, staff as Caller, { decision: "maybe" })).status).toBe(422);
      const approved = await moderate(held.id, staff as Caller, { decision: "approve" });
      expect(ReviewSchema.parse(await approved.json())).toMatchObject({
        status: "approved",
        moderation: { decidedBy: "staff" },
      });
      expect(await rating(spirit.id)).toEqual({ average: 3, count: 2 });

      const rejected = await moderate(fine.id, staff as Caller, { decision: "reject", note: "Off topic." });
      expect(ReviewSchema.parse(await rejected.json()).status).toBe("rejected");
      expect(await rating(spirit.id)).toEqual({ average: 2, count: 1 });
      expect((await publicList(spirit.id)).map((r) => r.id)).toEqual([held.id]);

      // The author's edit of a rejected review goes back to a person, however clean it is now.
      const edited = await t.call("PUT", `${base}/${fine.id}`, {
        headers: b.headers,
        body: { rating: 5, body: GOOD },
      });
      expect(ReviewSchema.parse(await edited.json())).toMatchObject({ status: "pending", rating: 5 });
      expect(await rating(spirit.id)).toEqual({ average: 2, count: 1 });
    });
  });

  describe("authors in public", () => {
    const named = async (profile: Record<string, unknown>) => {
      const who = await t.signIn("customer");
      const res = await t.call("PATCH", `/api/v1/customers/me`, { headers: who.headers, body: profile });
      expect(res.status).toBe(200);
      return who;
    };

    test("a review shows the chosen display name, else initials; the id and full name only to the author and staff", async () => {
      const spirit = await createSpirit(t, staff);
      const isla = await named({ name: "Isla Campbell" });
      const peat = await named({ name: "Hamish MacLeod", displayName: "Peat Freak" });
      const islas = ReviewSchema.parse(await (await post(isla, spirit.id, { rating: 5, body: GOOD })).json());
      await post(peat, spirit.id, { rating: 4, body: GOOD });

      const stranger = await t.signIn("customer");
      for (const headers of [{}, stranger.headers]) {
        const res = await t.call("GET", `/api/v1/spirits/${spirit.id}/reviews`, { headers });
        const text = await res.text();
        for (const secret of [isla.id, peat.id, "Campbell", "Hamish", "MacLeod"]) {
          expect(text).not.toContain(secret);
        }
        const authors = ReviewListSchema.parse(JSON.parse(text)).items.map((r) => r.author);
        expect(authors).toEqual([{ displayName: "Peat Freak" }, { displayName: "Isla C." }]);
        const one = await t.call("GET", `/api/v1/spirits/${spirit.id}/reviews/${islas.id}`, { headers });
        expect((await one.json()).author).toEqual({ displayName: "Isla C." });
      }
      for (const who of [isla, staff]) {
        const res = await t.call("GET", `/api/v1/spirits/${spirit.id}/reviews/${islas.id}`, {
          headers: who.headers,
        });
        expect(ReviewSchema.parse(await res.json()).author).toEqual({
          displayName: "Isla C.",
          customerId: isla.id,
          name: "Isla Campbell",
        });
      }
      // The review follows the profile: a display name chosen later shows at once.
      await t.call("PATCH", `/api/v1/customers/me`, {
        headers: isla.headers,
        body: { displayName: "Islay Isla" },
      });
      expect((await publicList(spirit.id)).map((r) => r.author.displayName)).toEqual([
        "Peat Freak",
        "Islay Isla",
      ]);
    });
  });

  describe("the moderation queue across spirits", () => {
    const queue = async (query: string, headers = staff.headers) => {
      const res = await t.call("GET", `/api/v1/reviews${query}`, { headers });
      expect(res.status).toBe(200);
      return ReviewQueueSchema.parse(await res.json());
    };

    test("staff list pending reviews oldest first, with their spirit; filters by status and spirit", async () => {
      const first = await createSpirit(t, staff, spiritBody({ name: "Queue One" }));
      const second = await createSpirit(t, staff, spiritBody({ name: "Queue Two" }));
      const heldIds: string[] = [];
      for (const spirit of [first, second, first]) {
        await letTimePass(t, 1000);
        const res = await post(await t.signIn("customer"), spirit.id, { rating: 2, body: "Meh." });
        heldIds.push(ReviewSchema.parse(await res.json()).id);
      }
      const fine = ReviewSchema.parse(
        await (await post(await t.signIn("customer"), first.id, { rating: 5, body: GOOD })).json(),
      );

      // The whole queue, page by page: ours in the order they were written, nothing but pending ones.
      const seen: { id: string; status: string; spirit: { id: string; name: string }; createdAt: string }[] =
        [];
      let cursor: string | null = null;
      do {
        const page = await queue(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.every((r) => r.status === "pending")).toBe(true);
      expect(seen.map((r) => r.createdAt)).toEqual(seen.map((r) => r.createdAt).sort());
      expect(seen.map((r) => r.id).filter((id) => heldIds.includes(id))).toEqual(heldIds);
      expect(seen.find((r) => r.id === heldIds[1])?.spirit).toEqual({ id: second.id, name: "Queue Two" });

      const ofFirst = await queue(`?spiritId=${first.id}`);
      expect(ofFirst.items.map((r) => r.id)).toEqual([heldIds[0]!, heldIds[2]!]);
      expect(ofFirst.items[0]!.spirit).toEqual({ id: first.id, name: "Queue One" });
      expect(ofFirst.items[0]!.moderation?.decidedBy).toBe("rules");
      expect((await queue(`?status=approved&spiritId=${first.id}`)).items.map((r) => r.id)).toEqual([
        fine.id,
      ]);

      // A decision takes a review off the queue.
      await t.call("POST", `/api/v1/spirits/${first.id}/reviews/${heldIds[0]}/moderation`, {
        headers: staff.headers,
        body: { decision: "reject" },
      });
      expect((await queue(`?spiritId=${first.id}`)).items.map((r) => r.id)).toEqual([heldIds[2]!]);
      expect((await queue(`?status=rejected&spiritId=${first.id}`)).items.map((r) => r.id)).toEqual([
        heldIds[0]!,
      ]);
    });

    test("only staff see the queue; bad filters and cursors are 422", async () => {
      const customer = await t.signIn("customer");
      expect((await t.call("GET", "/api/v1/reviews")).status).toBe(401);
      expect((await t.call("GET", "/api/v1/reviews", { headers: customer.headers })).status).toBe(403);
      for (const query of ["?status=maybe", "?cursor=bogus", "?limit=0", "?spiritId="]) {
        const res = await t.call("GET", `/api/v1/reviews${query}`, { headers: staff.headers });
        expect(res.status).toBe(422);
        expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      }
    });
  });

  describe("changing and deleting", () => {
    test("the author or staff may change or delete; anyone else gets a 404", async () => {
      const spirit = await createSpirit(t, staff, spiritBody({ name: "Edit Me" }));
      const author = await t.signIn("customer");
      const stranger = await t.signIn("customer");
      const review = ReviewSchema.parse(
        await (await post(author, spirit.id, { rating: 2, body: GOOD })).json(),
      );
      const path = `/api/v1/spirits/${spirit.id}/reviews/${review.id}`;

      expect(
        (await t.call("PUT", path, { headers: stranger.headers, body: { rating: 5, body: GOOD } })).status,
      ).toBe(404);
      expect((await t.call("DELETE", path, { headers: stranger.headers })).status).toBe(404);
      expect(await rating(spirit.id)).toEqual({ average: 2, count: 1 });

      const changed = await t.call("PUT", path, { headers: author.headers, body: { rating: 4, body: GOOD } });
      expect(changed.status).toBe(200);
      expect(await rating(spirit.id)).toEqual({ average: 4, count: 1 });
      // An edit that breaks a rule goes back to pending and stops counting.
      await t.call("PUT", path, {
        headers: author.headers,
        body: { rating: 4, body: `${GOOD} www.cheap.shop` },
      });
      expect(await rating(spirit.id)).toEqual({ average: null, count: 0 });

      await t.deps.db.delete(recommendationQueue).where(eq(recommendationQueue.customerId, author.id));
      expect((await t.call("DELETE", path, { headers: staff.headers })).status).toBe(204);
      expect((await t.call("GET", path, { headers: staff.headers })).status).toBe(404);
      // Its rating leaves the author's recommendations: they are queued for a refresh in the same batch.
      const queued = await t.deps.db.query.recommendationQueue.findFirst({
        where: eq(recommendationQueue.customerId, author.id),
      });
      expect(queued?.reason).toBe("review-deleted");
      // Deleted: the author may review the spirit afresh.
      expect((await post(author, spirit.id, { rating: 3, body: GOOD })).status).toBe(201);
      expect(await rating(spirit.id)).toEqual({ average: 3, count: 1 });
    });

    test("the average is the approved reviews' mean after any sequence of writes", async () => {
      const spirit = await createSpirit(t, staff);
      const ratings = [5, 4, 4, 1, 3];
      const ids: string[] = [];
      for (const r of ratings) {
        const who = await t.signIn("customer");
        ids.push(ReviewSchema.parse(await (await post(who, spirit.id, { rating: r, body: GOOD })).json()).id);
      }
      expect(await rating(spirit.id)).toEqual({ average: 3.4, count: 5 });
      await t.call("POST", `/api/v1/spirits/${spirit.id}/reviews/${ids[3]}/moderation`, {
        headers: staff.headers,
        body: { decision: "reject" },
      });
      expect(await rating(spirit.id)).toEqual({ average: 4, count: 4 });
    });

    test("a list pages with a cursor, newest first", async () => {
      const spirit = await createSpirit(t, staff);
      for (let k = 0; k < 5; k++) {
        await letTimePass(t, 1000);
        await post(await t.signIn("customer"), spirit.id, { rating: 1 + k, body: GOOD });
      }
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.call(
          "GET",
          `/api/v1/spirits/${spirit.id}/reviews?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        );
        const page = ReviewListSchema.parse(await res.json());
        seen.push(...page.items.map((r) => r.rating));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([5, 4, 3, 2, 1]);
      expect((await t.call("GET", `/api/v1/spirits/${spirit.id}/reviews?cursor=bogus`)).status).toBe(422);
    });
  });
});
