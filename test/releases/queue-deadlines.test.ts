/**
 * What the waiting room's timer works from (on Workers, the release's ReleaseQueueObject): the wakes the
 * app asks of it (at the release's making, when its opening moves, after each admission) and the next
 * deadline the database shows (the opening, the first admission to expire, the close, then none).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { QueueAlarms } from "../../src/deps.ts";
import { ReleaseSchema } from "../../src/modules/releases/releases.schemas.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const clock = new TestClock();
const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
const wakes: { releaseId: string; at: string }[] = [];
const queueAlarms: QueueAlarms = {
  async wake(releaseId, when) {
    wakes.push({ releaseId, at: when });
  },
};

let t: TestApp;
let shop: Shop;
beforeAll(async () => {
  t = await createTestApp({ clock, deps: { queueAlarms } });
  shop = await openShop(t);
});
afterAll(() => t.close());

const wakesOf = (releaseId: string) => wakes.filter((w) => w.releaseId === releaseId).map((w) => w.at);

test("the timer is woken for the opening, a moved opening and each admission's expiry; deadlines follow", async () => {
  const spiritId = await shop.spirit();
  await shop.receive(spiritId, 10, shop.loc("a"));
  const opensAt = at(HOUR);
  const closesAt = at(5 * HOUR);
  const res = await t.call("POST", "/api/v1/releases", {
    headers: shop.staff.headers,
    body: {
      spiritId,
      name: "Port Ellen 1979",
      mode: "queue",
      allocation: 1,
      admissionMinutes: 10,
      opensAt,
      closesAt,
    },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const release = ReleaseSchema.parse(await res.json());
  expect(wakesOf(release.id)).toEqual([opensAt]);
  expect(await t.services.queues.nextDeadline(release.id)).toBe(opensAt);

  const sooner = at(HOUR / 2);
  const moved = await t.call("PATCH", `/api/v1/releases/${release.id}`, {
    headers: shop.staff.headers,
    body: { opensAt: sooner },
  });
  expect(moved.status, await moved.clone().text()).toBe(200);
  expect(wakesOf(release.id)).toEqual([opensAt, sooner]);
  expect(await t.services.queues.nextDeadline(release.id)).toBe(sooner);

  const [a, b] = [await shop.customer(), await shop.customer()];
  for (const who of [a, b]) {
    const joined = await t.call("POST", `/api/v1/releases/${release.id}/queue`, {
      headers: who.headers,
      body: {},
    });
    expect(joined.status).toBe(201);
  }
  clock.advance(HOUR / 2);
  await shop.renewTokens();
  const opened = await t.services.queues.advance(release.id);
  expect(opened).toMatchObject({ opened: true, admitted: 1 });
  const expiry = at(10 * MINUTE);
  expect(wakesOf(release.id)).toEqual([opensAt, sooner, expiry]);
  expect(await t.services.queues.nextDeadline(release.id)).toBe(expiry);

  // At the expiry the admission passes on: the next expiry is ten minutes from then.
  clock.advance(10 * MINUTE);
  expect(await t.services.queues.advance(release.id)).toMatchObject({ expired: 1, admitted: 1 });
  const second = at(10 * MINUTE);
  expect(wakesOf(release.id).at(-1)).toBe(second);
  expect(await t.services.queues.nextDeadline(release.id)).toBe(second);

  // Nobody left in line: the close is what comes next, and after it nothing.
  clock.advance(10 * MINUTE);
  expect(await t.services.queues.advance(release.id)).toMatchObject({ expired: 1, admitted: 0 });
  expect(await t.services.queues.nextDeadline(release.id)).toBe(closesAt);
  clock.advance(5 * HOUR);
  expect(await t.services.queues.advance(release.id)).toMatchObject({ closed: true });
  expect(await t.services.queues.nextDeadline(release.id)).toBeNull();
});

test("a timer that fails costs only timeliness: the release is still made (the periodic job advances it)", async () => {
  const failing = await createTestApp({
    clock,
    deps: {
      queueAlarms: {
        wake: async () => {
          throw new Error("object unreachable");
        },
      },
    },
  });
  try {
    const s = await openShop(failing);
    const spiritId = await s.spirit();
    await s.receive(spiritId, 2, s.loc("a"));
    const res = await failing.call("POST", "/api/v1/releases", {
      headers: s.staff.headers,
      body: {
        spiritId,
        name: "Rosebank 1981",
        mode: "queue",
        allocation: 1,
        opensAt: at(MINUTE),
        closesAt: at(HOUR),
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  } finally {
    failing.close();
  }
});
