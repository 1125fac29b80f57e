/**
 * The personalised spirit listing, one suite on both targets (in-process on Bun, the Worker build in
 * workerd): the recommendations are computed in-process into the shared database, as the Bun worker would,
 * and the target serves the listing from them.
 */
import { beforeAll, expect, test } from "bun:test";
import { describeTargets } from "../support/targets.ts";
import { openRecommendationShop } from "./fixtures.ts";

describeTargets("the personalised listing", (t) => {
  let s: Awaited<ReturnType<typeof openRecommendationShop>>;

  beforeAll(async () => {
    s = await openRecommendationShop(t);
  });

  type Page = { items: { id: string; name: string; type: string }[]; nextCursor: string | null };

  async function list(query: string, headers: Record<string, string> = {}) {
    const res = await t.call("GET", `/api/v1/spirits${query}`, { headers });
    expect(res.status).toBe(200);
    return { page: (await res.json()) as Page, personalized: res.headers.get("X-Personalized") };
  }

  test("personalize=true re-orders the page by the customer's taste and keeps its contents exact", async () => {
    const fan = await s.shop.customer();
    await s.setCustomer(fan.id, { preferences: { flavourProfile: { smoky: 4, medicinal: 4 } } });
    await t.deps.db.batch([t.services.recommendations.enqueue(fan.id, "test")]);
    await s.drain();

    const plain = await list("?limit=50", fan.headers);
    const mine = await list("?limit=50&personalize=true", fan.headers);
    expect(plain.personalized).toBeNull();
    expect(mine.personalized).toBe("true");
    expect(mine.page.items.map((i) => i.id).sort()).toEqual(plain.page.items.map((i) => i.id).sort());
    expect(
      mine.page.items
        .slice(0, 3)
        .map((i) => i.name)
        .sort(),
    ).toEqual(["Smoky One", "Smoky Three", "Smoky Two"]);

    // Pages stay the pages of the plain list: same members, same cursors.
    const a = await list("?limit=4", fan.headers);
    const b = await list("?limit=4&personalize=true", fan.headers);
    expect(b.page.nextCursor).toBe(a.page.nextCursor);
    expect(b.page.items.map((i) => i.id).sort()).toEqual(a.page.items.map((i) => i.id).sort());

    // Filters stay exact.
    const gins = await list("?type=gin&personalize=true", fan.headers);
    expect(gins.page.items.every((i) => i.type === "gin")).toBe(true);
  });

  test("without a taste on record, or signed out, the page is unchanged and says so", async () => {
    const plain = await list("?limit=50");
    const anonymous = await list("?limit=50&personalize=true");
    expect(anonymous.personalized).toBe("false");
    expect(anonymous.page.items.map((i) => i.id)).toEqual(plain.page.items.map((i) => i.id));
    const newcomer = await s.shop.customer();
    const theirs = await list("?limit=50&personalize=true", newcomer.headers);
    expect(theirs.personalized).toBe("false");
    expect(theirs.page.items.map((i) => i.id)).toEqual(plain.page.items.map((i) => i.id));
    expect((await t.call("GET", "/api/v1/spirits?personalize=maybe")).status).toBe(422);
  });

  test("a full-text search page is re-ranked the same way, its hits unchanged", async () => {
    const fan = await s.shop.customer();
    await s.setCustomer(fan.id, { preferences: { flavourProfile: { floral: 4, herbal: 4, citrus: 4 } } });
    await t.deps.db.batch([t.services.recommendations.enqueue(fan.id, "test")]);
    await s.drain();
    const plain = await list("?q=gin&limit=50", fan.headers);
    const mine = await list("?q=gin&limit=50&personalize=true", fan.headers);
    expect(mine.personalized).toBe("true");
    expect(mine.page.items.map((i) => i.id).sort()).toEqual(plain.page.items.map((i) => i.id).sort());
  });
});
