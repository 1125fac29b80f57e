/**
 * Ballot results, from a real ballot: the winner is told with release.won, and once the ballot settles
 * (release.closed) the entries that lost are told too; nobody who did not enter hears anything.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openShop, type Shop, TEST_ADDRESS } from "../orders/shop.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";
import { dispatch, toldAbout } from "./support.ts";

const HOUR = 3_600_000;
const clock = new TestClock();
let app: TestApp;
let shop: Shop;
beforeAll(async () => {
  app = await createTestApp({ clock });
  shop = await openShop(app);
});
afterAll(() => app.close());

test("the winner hears they won; once it settles, the losers hear it is over; others nothing", async () => {
  const spiritId = await shop.spirit({ name: "Drawn Malt" });
  await shop.receive(spiritId, 3, shop.loc("a"));
  const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
  const created = await app.call("POST", "/api/v1/releases", {
    headers: shop.staff.headers,
    body: { spiritId, name: "Drawn", mode: "ballot", allocation: 1, opensAt: at(-HOUR), closesAt: at(HOUR) },
  });
  const releaseId = ((await created.json()) as { id: string }).id;
  const entrants = [await shop.customer(), await shop.customer(), await shop.customer()];
  const bystander = await shop.customer();
  for (const [i, who] of entrants.entries()) {
    const res = await app.call("POST", `/api/v1/releases/${releaseId}/entries`, {
      headers: who.headers,
      body: {
        shipping: { ...TEST_ADDRESS, lines: [`${i + 1} Draw Street`], country: "GB", region: "GB-SCT" },
      },
    });
    expect(res.status).toBe(201);
  }
  clock.advance(2 * HOUR);
  await shop.renewTokens();
  await app.services.ballots.settleDue();
  await dispatch(app);
  const told = async () =>
    Promise.all(entrants.map(async (who) => (await toldAbout(app, who, releaseId)).map((x) => x.title)));
  const afterDraw = await told();
  const winner = afterDraw.findIndex((titles) => titles.length === 1);
  expect(afterDraw[winner]).toEqual(["You won the ballot for Drawn Malt"]);
  expect(afterDraw.filter((titles) => titles.length === 0)).toHaveLength(2);

  // The winner pays; the ballot settles and the others have lost.
  const rs = await app.deps.client.execute({
    sql: "SELECT order_id FROM release_entries WHERE release_id = ? AND status = 'won'",
    args: [releaseId],
  });
  expect((await shop.act(shop.staff, String(rs.rows[0]!.order_id), "confirm")).status).toBe(200);
  await app.services.ballots.settleDue();
  await dispatch(app);
  await dispatch(app);
  const afterSettle = await told();
  for (const [i, titles] of afterSettle.entries()) {
    expect(titles).toEqual(
      i === winner ? ["You won the ballot for Drawn Malt"] : ["The ballot for Drawn Malt is over"],
    );
  }
  const lost = (await toldAbout(app, entrants[(winner + 1) % 3]!, releaseId))[0]!;
  expect(lost).toMatchObject({ topic: "ballot_result", link: `/api/v1/releases/${releaseId}/draw` });
  expect(await toldAbout(app, bystander, releaseId)).toEqual([]);
}, 20_000);
