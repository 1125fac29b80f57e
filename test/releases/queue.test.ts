/**
 * Queue releases (the waiting room) on Bun, over a real Bun.serve so that pushes reach real sockets:
 * joins (one place per customer, eligibility, rate limits), the opening (early arrivals shuffled by the
 * stored seed, later ones in arrival order), admissions in line order sized to the allocation, admission
 * tokens on orders (required, single use, the customer's own, expiring and passing on), restarts that keep
 * everyone's place, nothing oversold, and who may call each route.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { releaseQueuePlaces, releaseQueues } from "../../src/db/schema/queues.ts";
import { QueuePlaceSchema, StaffQueueListSchema } from "../../src/modules/releases/queue.schemas.ts";
import { earlyArrivalOrder } from "../../src/modules/releases/queue-order.ts";
import { ReleaseSchema } from "../../src/modules/releases/releases.schemas.ts";
import { dispatch, inbox } from "../notifications/support.ts";
import { type Caller, openShop, type Shop } from "../orders/shop.ts";
import { type StockServer, startStockServer, WatchClient } from "../realtime/support.ts";
import { createTestApp, TestClock } from "../support/test-app.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;

let server: StockServer;
let shop: Shop;
const clock = new TestClock();
const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

beforeAll(async () => {
  server = await startStockServer({
    clock,
    env: { DROP_ENTRIES_PER_MINUTE_ACCOUNT: "3", DROP_ENTRIES_PER_MINUTE_CLIENT: "0" },
  });
  shop = await openShop(server);
});
afterAll(() => server.stop());

/** Moves the clock and gives everyone fresh access tokens (theirs may have expired meanwhile). */
async function pass(ms: number) {
  clock.advance(ms);
  await shop.renewTokens();
}

async function queueRelease(body: Record<string, unknown> = {}, stock = 10) {
  const spiritId = await shop.spirit();
  if (stock) await shop.receive(spiritId, stock, shop.loc("a"));
  const res = await server.call("POST", "/api/v1/releases", {
    headers: shop.staff.headers,
    body: {
      spiritId,
      name: "Brora 1977 waiting room",
      mode: "queue",
      allocation: 2,
      opensAt: at(HOUR),
      closesAt: at(5 * HOUR),
      ...body,
    },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return { spiritId, release: ReleaseSchema.parse(await res.json()) };
}

const join = (who: Caller, releaseId: string, body: Record<string, unknown> = {}) =>
  server.call("POST", `/api/v1/releases/${releaseId}/queue`, { headers: who.headers, body });

async function joined(who: Caller, releaseId: string) {
  const res = await join(who, releaseId);
  expect(res.status, await res.clone().text()).toBe(201);
  return QueuePlaceSchema.parse(await res.json());
}

async function mine(who: Caller, releaseId: string) {
  const res = await server.call("GET", `/api/v1/releases/${releaseId}/queue/me`, { headers: who.headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return QueuePlaceSchema.parse(await res.json());
}

const buy = (who: Caller, spiritId: string, token: string | null, quantity = 1) =>
  shop.order(who, [{ spiritId, quantity }], undefined, token ? { "Admission-Token": token } : {});

/** The periodic job's round (Bun's timer runs the same call every few seconds). */
const advance = () => server.services.queues.advanceDue();

/** Opens a queue with `early` customers who joined before the opening and `late` ones after it. */
async function openedQueue(early: number, late = 0, body: Record<string, unknown> = {}, stock = 10) {
  const { spiritId, release } = await queueRelease(body, stock);
  const earlyOnes: Caller[] = [];
  for (let i = 0; i < early; i++) {
    const c = await shop.customer();
    await joined(c, release.id);
    earlyOnes.push(c);
    clock.advance(1_000);
  }
  await pass(HOUR);
  await advance();
  const lateOnes: Caller[] = [];
  for (let i = 0; i < late; i++) {
    const c = await shop.customer();
    await joined(c, release.id);
    lateOnes.push(c);
    clock.advance(1_000);
  }
  return { spiritId, release, early: earlyOnes, late: lateOnes };
}

const placesOf = (releaseId: string) =>
  server.deps.db.select().from(releaseQueuePlaces).where(eq(releaseQueuePlaces.releaseId, releaseId));

describe("joining", () => {
  test("one place per customer, no position before the opening; the release shows the queue", async () => {
    const { release } = await queueRelease({ admissionMinutes: 7 });
    expect(release.queue).toEqual({
      admissionMinutes: 7,
      waiting: 0,
      admitted: 0,
      openedAt: null,
      closedAt: null,
    });
    expect(release.ballot).toBeNull();
    const buyer = await shop.customer();
    const res = await join(buyer, release.id);
    expect(res.status).toBe(201);
    expect(res.headers.get("Location")).toBe(`/api/v1/releases/${release.id}/queue/me`);
    const place = QueuePlaceSchema.parse(await res.json());
    expect(place).toMatchObject({ state: "waiting", position: null, ahead: null, admissionToken: null });
    expect(await mine(buyer, release.id)).toEqual(place);

    const again = await join(buyer, release.id);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "already-queued", placeId: place.id });
    const view = ReleaseSchema.parse(
      await (await server.call("GET", `/api/v1/releases/${release.id}`)).json(),
    );
    expect(view.queue!.waiting).toBe(1);
  });

  test("refusals: a rule the customer fails (named), a release not sold by queue, a closed one, a bad window option", async () => {
    const { release } = await queueRelease({ eligibility: { minimumPurchases: 1 } });
    const newcomer = await shop.customer();
    const refused = await join(newcomer, release.id);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "not-eligible", rule: "minimumPurchases" });
    expect(await placesOf(release.id)).toEqual([]);

    const { release: firstCome } = await queueRelease({ mode: "first_come" });
    const notQueue = await join(newcomer, firstCome.id);
    expect(notQueue.status).toBe(409);
    expect(await notQueue.json()).toMatchObject({ code: "not-a-queue", mode: "first_come" });

    const spiritId = await shop.spirit();
    const wrong = await server.call("POST", "/api/v1/releases", {
      headers: shop.staff.headers,
      body: {
        spiritId,
        name: "x",
        mode: "ballot",
        allocation: 1,
        opensAt: at(HOUR),
        closesAt: at(2 * HOUR),
        admissionMinutes: 5,
      },
    });
    expect(wrong.status).toBe(422);
    expect((await wrong.json()).errors).toEqual([
      { path: "admissionMinutes", message: "is only for queue releases" },
    ]);

    const { release: short } = await queueRelease({ opensAt: at(-2 * HOUR), closesAt: at(MINUTE) });
    await pass(2 * MINUTE);
    const late = await join(newcomer, short.id);
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ code: "queue-closed", closesAt: short.closesAt });
  });

  test("joins are rate-limited per account through the drop-entry budget", async () => {
    const { release } = await queueRelease();
    const buyer = await shop.customer();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await join(buyer, release.id)).status);
    expect(answers).toEqual([201, 409, 409, 429]);
    await pass(MINUTE + 1_000);
  });
});

describe("order of the line", () => {
  test("early arrivals are shuffled by the stored seed; later ones go to the back in arrival order; admissions follow the line", async () => {
    const { release, early, late } = await openedQueue(8, 3, { allocation: 2 });
    const rows = await placesOf(release.id);
    const byCustomer = new Map(rows.map((r) => [r.customerId, r]));
    const [queue] = await server.deps.db
      .select()
      .from(releaseQueues)
      .where(eq(releaseQueues.releaseId, release.id));
    expect(queue!.openedAt).not.toBeNull();
    // Anyone can recompute the early order from the seed and the places in id order.
    const earlyIds = early.map((c) => byCustomer.get(c.id)!.id).sort();
    const expected = await earlyArrivalOrder(queue!.seed, earlyIds);
    const actual = [...earlyIds].sort(
      (a, b) => rows.find((r) => r.id === a)!.position! - rows.find((r) => r.id === b)!.position!,
    );
    expect(actual).toEqual(expected);
    expect(earlyIds.map((id) => rows.find((r) => r.id === id)!.position).sort((a, b) => a! - b!)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    // Arriving first among the early ones wins nothing: the order is not the arrival order.
    expect(actual).not.toEqual(earlyIds);
    expect(late.map((c) => byCustomer.get(c.id)!.position)).toEqual([9, 10, 11]);

    // The first two in line are admitted (allocation 2, one bottle each), no one else.
    const admitted = rows.filter((r) => r.status === "admitted").map((r) => r.position);
    expect(admitted.sort()).toEqual([1, 2]);
    const third = early.find((c) => byCustomer.get(c.id)!.position === 3)!;
    expect(await mine(third, release.id)).toMatchObject({ state: "waiting", position: 3, ahead: 0 });
    const last = late[2]!;
    expect(await mine(last, release.id)).toMatchObject({ state: "waiting", position: 11, ahead: 8 });
    // Staff see the same count for every waiting place, and none for the admitted ones.
    const listed = StaffQueueListSchema.parse(
      await (
        await server.call("GET", `/api/v1/releases/${release.id}/queue?limit=100`, {
          headers: shop.staff.headers,
        })
      ).json(),
    ).items;
    for (const p of listed) expect(p.ahead).toBe(p.state === "waiting" ? p.position! - 3 : null);
  });
});

describe("admission tokens", () => {
  test("required, the customer's own, single use; the order still obeys the per-customer limit", async () => {
    const { spiritId, release, early } = await openedQueue(3, 0, { allocation: 2, perCustomerLimit: 1 });
    const places = await Promise.all(early.map((c) => mine(c, release.id)));
    const [first, second] = early
      .map((c, i) => ({ c, p: places[i]! }))
      .sort((a, b) => a.p.position! - b.p.position!);
    expect(first!.p.state).toBe("admitted");
    expect(first!.p.admissionToken).toBeString();
    expect(first!.p.admissionExpiresAt).toBe(at(10 * MINUTE));
    // Read again: the same token.
    expect((await mine(first!.c, release.id)).admissionToken).toBe(first!.p.admissionToken);

    const none = await buy(first!.c, spiritId, null);
    expect(none.status).toBe(403);
    expect(await none.json()).toMatchObject({
      code: "admission-required",
      header: "Admission-Token",
      releaseId: release.id,
    });
    const forged = await buy(first!.c, spiritId, `${first!.p.admissionToken!.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(403);
    expect((await forged.json()).code).toBe("admission-invalid");
    const someoneElses = await buy(second!.c, spiritId, first!.p.admissionToken);
    expect(someoneElses.status).toBe(403);
    expect(await someoneElses.json()).toMatchObject({
      code: "admission-invalid",
      detail: "This admission token was issued to another customer.",
    });

    // Over the per-customer limit: refused, and the admission stays the customer's.
    const tooMany = await buy(first!.c, spiritId, first!.p.admissionToken, 2);
    expect(tooMany.status).toBe(422);
    expect((await tooMany.json()).code).toBe("per-customer-limit");
    expect((await mine(first!.c, release.id)).state).toBe("admitted");

    const ok = await buy(first!.c, spiritId, first!.p.admissionToken);
    expect(ok.status, await ok.clone().text()).toBe(201);
    const order = (await ok.json()) as { id: string };
    expect(await mine(first!.c, release.id)).toMatchObject({
      state: "done",
      orderId: order.id,
      admissionToken: null,
    });
    const reused = await buy(first!.c, spiritId, first!.p.admissionToken);
    expect(reused.status).toBe(403);
    expect(await reused.json()).toMatchObject({
      code: "admission-invalid",
      detail: "This admission has been used for an order already.",
    });
  });

  test("one admission places one order, however many requests race with it", async () => {
    const { spiritId, release, early } = await openedQueue(1, 0, { allocation: 2, perCustomerLimit: 2 });
    const { admissionToken } = await mine(early[0]!, release.id);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => buy(early[0]!, spiritId, admissionToken, 1)),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 403, 403, 403, 403, 403]);
  });

  test("an admission not used in time expires and passes to the next in line; its token is refused as expired", async () => {
    const { spiritId, release, early } = await openedQueue(2, 0, { allocation: 1, admissionMinutes: 5 });
    const places = await Promise.all(early.map((c) => mine(c, release.id)));
    const firstIndex = places.findIndex((p) => p.state === "admitted");
    const first = early[firstIndex]!;
    const next = early[1 - firstIndex]!;
    const token = places[firstIndex]!.admissionToken!;
    expect(places[1 - firstIndex]).toMatchObject({ state: "waiting", position: 2, ahead: 0 });

    await pass(5 * MINUTE + 1_000);
    const late = await buy(first, spiritId, token);
    expect(late.status).toBe(403);
    expect((await late.json()).code).toBe("admission-expired");
    expect(await advance()).toMatchObject({ queueExpired: 1, queueAdmitted: 1 });
    expect(await mine(first, release.id)).toMatchObject({ state: "expired", admissionToken: null });
    const passedOn = await mine(next, release.id);
    expect(passedOn.state).toBe("admitted");
    expect((await buy(next, spiritId, passedOn.admissionToken)).status).toBe(201);
  });

  test("an admission's order that ends unpaid frees its bottles for the next in line", async () => {
    const { spiritId, release, early } = await openedQueue(2, 0, { allocation: 1 });
    const places = await Promise.all(early.map((c) => mine(c, release.id)));
    const i = places.findIndex((p) => p.state === "admitted");
    const res = await buy(early[i]!, spiritId, places[i]!.admissionToken);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(await advance()).toMatchObject({ queueAdmitted: 0 });
    expect((await shop.act(early[i]!, id, "cancel")).status).toBe(200);
    expect(await advance()).toMatchObject({ queueAdmitted: 1 });
    expect((await mine(early[1 - i]!, release.id)).state).toBe("admitted");
    expect((await mine(early[i]!, release.id)).state).toBe("expired");
  });
});

describe("leaving and voids", () => {
  test("an admitted buyer who leaves passes the admission on; staff void a place and it blocks a rejoin", async () => {
    const { release, early } = await openedQueue(3, 0, { allocation: 1 });
    const places = await Promise.all(early.map((c) => mine(c, release.id)));
    const order = early.map((c, k) => ({ c, p: places[k]! })).sort((a, b) => a.p.position! - b.p.position!);
    const out = await server.call("DELETE", `/api/v1/releases/${release.id}/queue/me`, {
      headers: order[0]!.c.headers,
    });
    expect(out.status).toBe(200);
    expect((await out.json()).state).toBe("left");
    expect((await mine(order[1]!.c, release.id)).state).toBe("admitted");

    const voided = await server.call("POST", `/api/v1/releases/${release.id}/queue/${order[1]!.p.id}/void`, {
      headers: shop.staff.headers,
      body: { reason: "a second account of one person" },
    });
    expect(voided.status).toBe(200);
    expect(await voided.json()).toMatchObject({ status: "void", note: "a second account of one person" });
    expect((await mine(order[2]!.c, release.id)).state).toBe("admitted");
    const rejoin = await join(order[1]!.c, release.id);
    expect(rejoin.status).toBe(409);
    expect(await rejoin.json()).toMatchObject({ code: "already-queued", placeStatus: "void" });

    const list = await server.call("GET", `/api/v1/releases/${release.id}/queue?status=admitted`, {
      headers: shop.staff.headers,
    });
    expect(list.status).toBe(200);
    const items = StaffQueueListSchema.parse(await list.json()).items;
    expect(items.map((p) => p.customerId)).toEqual([order[2]!.c.id]);
  });

  test("at the close, places still waiting are closed and orders are no longer gated", async () => {
    const { spiritId, release, early } = await openedQueue(2, 0, { allocation: 1 });
    await pass(5 * HOUR);
    await advance();
    const states = await Promise.all(early.map(async (c) => (await mine(c, release.id)).state));
    expect(states.sort()).toEqual(["closed", "closed"]);
    expect((await buy(early[0]!, spiritId, null)).status).toBe(201);
  });
});

describe("pushes", () => {
  test("the opening position and the admission (with its token) reach the customer's notifications socket", async () => {
    const { release } = await queueRelease({ allocation: 1 });
    const a = await shop.customer();
    const b = await shop.customer();
    await joined(a, release.id);
    await joined(b, release.id);
    const socket = (c: Caller) =>
      WatchClient.open(`${server.wsBase}/api/v1/customers/me/notifications/ws`, { headers: c.headers });
    const [sa, sb] = await Promise.all([socket(a), socket(b)]);
    await pass(HOUR);
    await advance();
    type Pushed = { place: { state: string; position: number; admissionToken: string | null } };
    const admittedOf = (s: WatchClient) =>
      (s.of("queue") as unknown as Pushed[]).find((m) => m.place.state === "admitted");
    await sa.until((s) => s.of("queue").length > 0, "a queue message");
    await sb.until((s) => s.of("queue").length > 0, "a queue message");
    const winner = admittedOf(sa) ? { s: sa, c: a, other: sb } : { s: sb, c: b, other: sa };
    const pushed = admittedOf(winner.s)!;
    expect(pushed.place.position).toBe(1);
    expect(pushed.place.admissionToken).toBe((await mine(winner.c, release.id)).admissionToken);
    const waiting = (winner.other.of("queue") as unknown as Pushed[]).at(-1)!;
    expect(waiting.place).toMatchObject({ state: "waiting", position: 2, ahead: 0, admissionToken: null });

    // The admission is also news in the winner's inbox (release.admitted through the outbox), once.
    await dispatch(server);
    await advance();
    await dispatch(server);
    const told = (await inbox(server, winner.c)).items.filter((n) => n.topic === "queue_admission");
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      subjectId: release.id,
      link: `/api/v1/releases/${release.id}/queue/me`,
    });
    expect(told[0]!.title).toStartWith("Your turn: ");
    expect(
      (await inbox(server, winner.c === a ? b : a)).items.filter((n) => n.topic === "queue_admission"),
    ).toEqual([]);
    await winner.s.until((s) => s.of("notification").length > 0, "the inbox notification, live");
    sa.close();
    sb.close();
  });
});

describe("nothing oversold", () => {
  test("admissions never promise more than the allocation, and every admitted buyer ordering at once sells exactly it", async () => {
    const { spiritId, release, early, late } = await openedQueue(
      6,
      4,
      { allocation: 5, perCustomerLimit: 2 },
      20,
    );
    const everyone = [...early, ...late];
    const rows = await placesOf(release.id);
    const promised = rows.reduce((n, r) => n + (r.status === "admitted" ? r.admittedQuantity! : 0), 0);
    expect(promised).toBe(5);
    expect(
      rows
        .filter((r) => r.status === "admitted")
        .map((r) => r.admittedQuantity)
        .sort(),
    ).toEqual([1, 2, 2]);
    // Everyone tries, with their token if they have one, asking for the most they could.
    const tokens = await Promise.all(everyone.map(async (c) => (await mine(c, release.id)).admissionToken));
    const answers = await Promise.all(everyone.map((c, i) => buy(c, spiritId, tokens[i]!, 2)));
    const statuses = answers.map((r) => r.status);
    // The one admitted for a single bottle is refused 2 (per-customer limit), and orders 1 again below.
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    const single = everyone.find(
      (c) => rows.find((r) => r.customerId === c.id && r.status === "admitted")?.admittedQuantity === 1,
    )!;
    expect((await buy(single, spiritId, tokens[everyone.indexOf(single)]!, 1)).status).toBe(201);
    expect((await shop.inventory(spiritId)).available).toBe(15);
    await pass(11 * MINUTE);
    await advance();
    expect((await placesOf(release.id)).filter((r) => r.status === "admitted")).toEqual([]);
    const audit = await shop.audit();
    expect(audit.clean).toBe(true);
  });
});

describe("a restart", () => {
  test("a new app on the same database file keeps every position and admission, and goes on from them", async () => {
    const { spiritId, release, early, late } = await openedQueue(4, 2, {
      allocation: 1,
      admissionMinutes: 5,
    });
    const before = await Promise.all([...early, ...late].map((c) => mine(c, release.id)));
    const restarted = await createTestApp({
      clock,
      env: { DATABASE_URL: server.deps.config.DATABASE_URL },
    });
    try {
      const read = async (c: Caller) => {
        const { token } = await restarted.services.tokens.issueAccessToken(c.id, "customer", "");
        const res = await restarted.call("GET", `/api/v1/releases/${release.id}/queue/me`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        return QueuePlaceSchema.parse(await res.json());
      };
      const after = await Promise.all([...early, ...late].map(read));
      expect(after).toEqual(before);
      // Time passes in the new process: the admission expires there and the next in line is admitted.
      clock.advance(5 * MINUTE + 1_000);
      expect(await restarted.services.queues.advanceDue()).toMatchObject({ queueAdmitted: 1 });
      const next = [...early, ...late][before.findIndex((p) => p.position === 2)]!;
      const admitted = await read(next);
      expect(admitted.state).toBe("admitted");
      // The token the new process hands out works on orders in the old one (one key from the config).
      await shop.renewTokens();
      expect((await buy(next, spiritId, admitted.admissionToken)).status).toBe(201);
    } finally {
      restarted.close();
    }
  });
});

describe("who may call", () => {
  test("each route as anonymous, the owner, another customer, staff and an admin", async () => {
    const { release } = await queueRelease();
    const owner = await shop.customer();
    const other = await shop.customer();
    const admin = await server.signIn("admin");
    const place = await joined(owner, release.id);
    const base = `/api/v1/releases/${release.id}/queue`;
    const callers = {
      anonymous: {},
      owner: owner.headers,
      other: other.headers,
      staff: shop.staff.headers,
      admin: admin.headers,
    };
    const statusOf = async (method: string, path: string, who: keyof typeof callers, body?: unknown) =>
      (await server.call(method, path, { headers: callers[who], ...(body ? { body } : {}) })).status;
    const table: Record<string, Record<keyof typeof callers, number>> = {};
    const rows: [string, string, string, unknown?][] = [
      ["GET me", "GET", `${base}/me`],
      ["GET list", "GET", base],
      ["POST void", "POST", `${base}/${place.id}/void`, { reason: "test" }],
      ["POST join", "POST", base, {}],
      ["DELETE me", "DELETE", `${base}/me`],
    ];
    for (const [name, method, path, body] of rows) {
      table[name] = {} as Record<keyof typeof callers, number>;
      for (const who of ["anonymous", "other", "staff", "owner", "admin"] as const) {
        table[name][who] = await statusOf(method, path, who, body);
      }
    }
    expect(table).toEqual({
      "GET me": { anonymous: 401, other: 404, staff: 403, owner: 200, admin: 403 },
      "GET list": { anonymous: 401, other: 403, staff: 200, owner: 403, admin: 200 },
      // Staff void the place; the admin then finds it void already.
      "POST void": { anonymous: 401, other: 403, staff: 200, owner: 403, admin: 409 },
      // The other customer joins; the owner's place is void, which blocks a rejoin.
      "POST join": { anonymous: 401, other: 201, staff: 403, owner: 409, admin: 403 },
      // The other customer leaves their new place; the owner's void place cannot be left.
      "DELETE me": { anonymous: 401, other: 200, staff: 403, owner: 409, admin: 403 },
    });
  });
});
