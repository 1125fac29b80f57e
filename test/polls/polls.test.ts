/**
 * Feedback polls through the HTTP API on both targets: staff aim a poll at a segment, the customers in it see
 * it and answer once (editable while it is open), everyone else is refused, results count answers against
 * the audience, free text waits for moderation, and choosing a spirit becomes a recommender signal.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { customers } from "../../src/db/schema/accounts.ts";
import { interactions } from "../../src/db/schema/signals.ts";
import {
  AnswerSchema,
  CustomerPollListSchema,
  PollResultsSchema,
  PollSchema,
} from "../../src/modules/polls/polls.schemas.ts";
import { type Caller, openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

const HOUR = 3_600_000;

describeTargets("polls", (t) => {
  let shop: Shop;
  let spiritId: string;
  let malt: Caller;
  let rum: Caller;
  const at = (ms: number) => new Date(t.deps.clock.now().getTime() + ms).toISOString();

  async function prefer(who: Caller, favouriteTypes: string[]) {
    await t.deps.db
      .update(customers)
      .set({ preferences: { favouriteTypes } })
      .where(eq(customers.id, who.id));
  }

  beforeAll(async () => {
    shop = await openShop(t);
    spiritId = await shop.spirit();
    malt = await shop.customer();
    rum = await shop.customer();
    await prefer(malt, ["single_malt"]);
    await prefer(rum, ["rum"]);
  });

  async function create(body: Record<string, unknown> = {}) {
    const res = await t.call("POST", "/api/v1/polls", {
      headers: shop.staff.headers,
      body: {
        title: "Winter release",
        question: "Which would you buy?",
        kind: "single_choice",
        options: [{ label: "This one", spiritId }, { label: "Something else" }],
        subjectType: "theme",
        theme: "winter",
        audience: { favouriteTypes: ["single_malt"] },
        opensAt: at(-HOUR),
        closesAt: at(HOUR),
        ...body,
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return PollSchema.parse(await res.json());
  }

  const answer = (who: Caller, pollId: string, body: Record<string, unknown>) =>
    t.call("PUT", `/api/v1/polls/${pollId}/answer`, { headers: who.headers, body });

  describe("audience", () => {
    test("a customer sees the open polls meant for them, and only those", async () => {
      const poll = await create();
      await create({ opensAt: at(HOUR), closesAt: at(2 * HOUR) });
      const mine = CustomerPollListSchema.parse(
        await (await t.call("GET", "/api/v1/customers/me/polls", { headers: malt.headers })).json(),
      );
      expect(mine.items.map((i) => i.poll.id)).toContain(poll.id);
      expect(mine.items.every((i) => i.poll.state === "open")).toBe(true);
      const theirs = CustomerPollListSchema.parse(
        await (await t.call("GET", "/api/v1/customers/me/polls", { headers: rum.headers })).json(),
      );
      expect(theirs.items.map((i) => i.poll.id)).not.toContain(poll.id);
    });

    test("a customer outside the audience is refused with not-in-audience, and nothing is stored", async () => {
      const poll = await create();
      const res = await answer(rum, poll.id, { choices: ["opt_2"] });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(((await res.json()) as { code: string }).code).toBe("not-in-audience");
      const results = PollResultsSchema.parse(
        await (
          await t.call("GET", `/api/v1/polls/${poll.id}/results`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(results.answers).toBe(0);
    });

    test("a purchase rule admits only customers who paid for the spirit", async () => {
      const poll = await create({ audience: { boughtSpiritIds: [spiritId] } });
      const buyer = await shop.customer();
      await shop.receive(spiritId, 2);
      const order = (await (await shop.order(buyer, [{ spiritId, quantity: 1 }])).json()) as { id: string };
      expect((await answer(buyer, poll.id, { choices: ["opt_1"] })).status).toBe(403);
      expect((await shop.act(shop.staff, order.id, "confirm")).status).toBe(200);
      expect((await answer(buyer, poll.id, { choices: ["opt_1"] })).status).toBe(201);
      expect((await answer(malt, poll.id, { choices: ["opt_1"] })).status).toBe(403);
    });
  });

  describe("answering", () => {
    test("201 first, 200 when changed while open; one answer per customer", async () => {
      const poll = await create();
      const first = await answer(malt, poll.id, { choices: ["opt_2"] });
      expect(first.status).toBe(201);
      const changed = await answer(malt, poll.id, { choices: ["opt_1"] });
      expect(changed.status).toBe(200);
      const a = AnswerSchema.parse(await changed.json());
      expect(a.id).toBe(AnswerSchema.parse(await first.json()).id);
      expect(a.choices).toEqual(["opt_1"]);
      const results = PollResultsSchema.parse(
        await (
          await t.call("GET", `/api/v1/polls/${poll.id}/results`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(results.answers).toBe(1);
      expect(results.options).toEqual([
        { id: "opt_1", label: "This one", count: 1, share: 1 },
        { id: "opt_2", label: "Something else", count: 0, share: 0 },
      ]);
      expect(results.audience).toBeGreaterThanOrEqual(1);
      expect(results.responseRate).toBe(Math.round((1 / results.audience) * 10_000) / 10_000);
    });

    test("an answer that does not fit the poll names every wrong field and stores nothing", async () => {
      const poll = await create();
      const res = await answer(malt, poll.id, { choices: ["opt_1", "opt_9"], scale: 3 });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { errors: { path: string; message: string }[] };
      expect(body.errors.map((e) => e.path).sort()).toEqual(["choices", "choices.1", "scale"]);
      const mine = CustomerPollListSchema.parse(
        await (await t.call("GET", "/api/v1/customers/me/polls", { headers: malt.headers })).json(),
      );
      expect(mine.items.find((i) => i.poll.id === poll.id)?.answer).toBeNull();
    });

    test("a closed or scheduled poll answers 409 poll-closed", async () => {
      const past = await create({ opensAt: at(-2 * HOUR), closesAt: at(-HOUR) });
      const later = await create({ opensAt: at(HOUR), closesAt: at(2 * HOUR) });
      for (const poll of [past, later]) {
        const res = await answer(malt, poll.id, { choices: ["opt_1"] });
        expect(res.status).toBe(409);
        expect(((await res.json()) as { code: string }).code).toBe("poll-closed");
      }
    });

    test("scale results give the spread and the mean", async () => {
      const poll = await create({
        kind: "scale",
        options: [],
        subjectType: "spirit",
        subjectId: spiritId,
        theme: null,
        audience: {},
      });
      expect((await answer(malt, poll.id, { scale: 5 })).status).toBe(201);
      expect((await answer(rum, poll.id, { scale: 2 })).status).toBe(201);
      const results = PollResultsSchema.parse(
        await (
          await t.call("GET", `/api/v1/polls/${poll.id}/results`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(results.scale?.mean).toBe(3.5);
      expect(results.scale?.counts.find((c) => c.value === 5)?.count).toBe(1);
    });

    test("free text waits for moderation when the automatic pass holds it; staff decide", async () => {
      const poll = await create({ kind: "text", options: [], audience: {} });
      const res = await answer(malt, poll.id, { text: "More peat" });
      const a = AnswerSchema.parse(await res.json());
      expect(a.textStatus).toBe("pending");
      const path = `/api/v1/polls/${poll.id}/answers/${a.id}`;
      expect(
        (await t.call("PATCH", path, { headers: malt.headers, body: { status: "approved" } })).status,
      ).toBe(403);
      const approved = await t.call("PATCH", path, {
        headers: shop.staff.headers,
        body: { status: "approved" },
      });
      expect(AnswerSchema.parse(await approved.json()).textStatus).toBe("approved");
      const results = PollResultsSchema.parse(
        await (
          await t.call("GET", `/api/v1/polls/${poll.id}/results`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(results.texts).toEqual([
        { answerId: a.id, text: "More peat", status: "approved", updatedAt: a.updatedAt },
      ]);
    });
  });

  describe("staff", () => {
    test("a poll that is malformed is refused with every reason, and a bad reference names its field", async () => {
      const res = await t.call("POST", "/api/v1/polls", {
        headers: shop.staff.headers,
        body: {
          title: "x",
          question: "y",
          kind: "single_choice",
          options: [{ label: "only" }],
          subjectType: "spirit",
          opensAt: at(HOUR),
          closesAt: at(-HOUR),
        },
      });
      expect(res.status).toBe(422);
      const paths = ((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
      expect(paths).toEqual(["closesAt", "options", "subjectId"]);
      const missing = await t.call("POST", "/api/v1/polls", {
        headers: shop.staff.headers,
        body: {
          title: "x",
          question: "y",
          kind: "scale",
          subjectType: "spirit",
          subjectId: "spr_nope",
          opensAt: at(0),
          closesAt: at(HOUR),
        },
      });
      expect(missing.status).toBe(422);
      expect(((await missing.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("subjectId");
    });

    test("once open only the title and closing time change", async () => {
      const poll = await create();
      const late = await t.call("PATCH", `/api/v1/polls/${poll.id}`, {
        headers: shop.staff.headers,
        body: { audience: {} },
      });
      expect(late.status).toBe(409);
      const closesAt = at(3 * HOUR);
      const renamed = await t.call("PATCH", `/api/v1/polls/${poll.id}`, {
        headers: shop.staff.headers,
        body: { title: "Renamed", closesAt },
      });
      expect(PollSchema.parse(await renamed.json())).toMatchObject({ title: "Renamed", closesAt });
    });

    test("customers cannot create, read or list polls, nor read results", async () => {
      const poll = await create();
      for (const [method, path] of [
        ["GET", "/api/v1/polls"],
        ["POST", "/api/v1/polls"],
        ["GET", `/api/v1/polls/${poll.id}`],
        ["GET", `/api/v1/polls/${poll.id}/results`],
      ] as const) {
        expect(
          (await t.call(method, path, { headers: malt.headers, body: method === "POST" ? {} : undefined }))
            .status,
        ).toBe(403);
        expect((await t.call(method, path)).status).toBe(401);
      }
      expect(
        (await t.call("GET", `/api/v1/customers/${malt.id}/polls`, { headers: rum.headers })).status,
      ).toBe(404);
      expect(
        (await t.call("GET", `/api/v1/customers/${malt.id}/polls`, { headers: shop.staff.headers })).status,
      ).toBe(200);
    });
  });

  test("choosing an option that names a spirit logs declared interest in it, once", async () => {
    const poll = await create();
    const fan = await shop.customer();
    await prefer(fan, ["single_malt"]);
    expect((await answer(fan, poll.id, { choices: ["opt_1"] })).status).toBe(201);
    expect((await answer(fan, poll.id, { choices: ["opt_1"] })).status).toBe(200);
    const logged = await t.deps.db.select().from(interactions).where(eq(interactions.customerId, fan.id));
    expect(logged.filter((i) => i.kind === "poll_interest").map((i) => i.spiritId)).toEqual([spiritId]);
  });
});
