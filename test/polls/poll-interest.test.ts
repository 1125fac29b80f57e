/**
 * A poll answer that names a spirit is declared interest: the recommender weighs it (1.5, between a wishlist
 * add and keeping a bottle on the wishlist) and says so in the reason.
 */
import { beforeAll, expect, test } from "bun:test";
import { SIGNAL_WEIGHTS } from "../../src/modules/recommendations/engine/model.ts";
import { openRecommendationShop } from "../recommendations/fixtures.ts";
import { describeTargets } from "../support/targets.ts";

describeTargets("declared interest in recommendations", (t) => {
  let s: Awaited<ReturnType<typeof openRecommendationShop>>;
  beforeAll(async () => {
    s = await openRecommendationShop(t);
  });

  test("choosing a spirit in a poll brings similar spirits, with a reason that names the poll and its weight", async () => {
    const now = t.deps.clock.now().getTime();
    const created = await t.call("POST", "/api/v1/polls", {
      headers: s.shop.staff.headers,
      body: {
        title: "Next bottling",
        question: "Which of these would you buy again?",
        kind: "multiple_choice",
        options: [
          { label: "Smoky One", spiritId: s.ids.smoky1 },
          { label: "Garden Gin", spiritId: s.ids.gin1 },
        ],
        subjectType: "theme",
        theme: "favourites",
        opensAt: new Date(now - 60_000).toISOString(),
        closesAt: new Date(now + 3_600_000).toISOString(),
      },
    });
    expect(created.status).toBe(201);
    const pollId = ((await created.json()) as { id: string }).id;
    const fan = await s.shop.customer();
    const answered = await t.call("PUT", `/api/v1/polls/${pollId}/answer`, {
      headers: fan.headers,
      body: { choices: ["opt_1"] },
    });
    expect(answered.status).toBe(201);
    await s.drain();
    const list = await s.recs(fan, "?limit=10");
    const smoky2 = list.items.find((i) => i.spirit.id === s.ids.smoky2);
    expect(smoky2?.reasonCode).toBe("similar_to_declared");
    expect(smoky2?.reason).toBe(
      `similar to Smoky One, which you chose in a poll (declared interest, weight ${SIGNAL_WEIGHTS.poll_interest})`,
    );
    // What the fan said they want, and what is like it, come before anything unrelated.
    expect(list.names.slice(0, 2).sort()).toEqual(["Smoky One", "Smoky Two"]);
  });
});
