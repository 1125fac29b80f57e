/**
 * Ballot releases through the HTTP API on both targets: entries (one per customer and per address),
 * refusals, the gate on ordinary orders, a draw anyone can recompute with `npm run verify-draw` (and that
 * fails once the seed is tampered with), winners' reserved orders, and allocation passing down the draw
 * order when a winner's order ends unpaid.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { releaseBallots } from "../../src/db/schema/ballots.ts";
import { sha256Hex } from "../../src/digest.ts";
import {
  DrawResultSchema,
  DrawSchema,
  EntryListSchema,
  EntrySchema,
} from "../../src/modules/releases/ballot.schemas.ts";
import { ReleaseSchema } from "../../src/modules/releases/releases.schemas.ts";
import { CRON_EVERY_MINUTE } from "../../src/runtime/worker-crons.ts";
import { type Caller, openShop, type Shop, TEST_ADDRESS } from "../orders/shop.ts";
import { describeTargets, type Target } from "../support/targets.ts";

const HOUR = 3_600_000;
/** How long a ballot that must be drawn in the test stays open: real seconds on the Worker. */
const WINDOW_MS = 2_500;

/** Lets a ballot's window close: the Bun target's clock moves, the Worker's real time passes. */
async function passClose(t: Target) {
  const clock = t.deps.clock as { advance?: (ms: number) => void };
  if (t.name === "bun" && clock.advance) clock.advance(WINDOW_MS + 1_000);
  else await Bun.sleep(WINDOW_MS + 300);
}

/** The settle loop's run: the reaper then the ballots (Bun), or the Worker's minute cron. */
async function settle(t: Target) {
  if (t.worker) return t.worker.runCron(CRON_EVERY_MINUTE);
  await t.services.orders.expireDue();
  await t.services.ballots.settleDue();
}

async function runVerifier(args: string[]) {
  const proc = Bun.spawn(["bun", "scripts/verify-draw.ts", ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { out: out + err, code };
}

describeTargets(
  "ballot releases",
  (t) => {
    let shop: Shop;
    let n = 0;
    const at = (ms: number) => new Date(t.deps.clock.now().getTime() + ms).toISOString();
    const address = (street = `${++n} Thistle Street`) => ({
      ...TEST_ADDRESS,
      lines: [street],
      country: "GB",
      region: "GB-SCT",
    });
    beforeAll(async () => {
      shop = await openShop(t);
    });

    async function ballot(body: Record<string, unknown> = {}, stock = 3) {
      const spiritId = await shop.spirit();
      if (stock) await shop.receive(spiritId, stock, shop.loc("a"));
      const res = await t.call("POST", "/api/v1/releases", {
        headers: shop.staff.headers,
        body: {
          spiritId,
          name: "The Cask Strength Ballot",
          mode: "ballot",
          allocation: 2,
          opensAt: at(-HOUR),
          closesAt: at(HOUR),
          ...body,
        },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return { spiritId, release: ReleaseSchema.parse(await res.json()) };
    }

    async function enter(who: Caller, releaseId: string, body: Record<string, unknown> = {}) {
      return t.call("POST", `/api/v1/releases/${releaseId}/entries`, {
        headers: who.headers,
        body: { shipping: address(), ...body },
      });
    }

    async function entered(who: Caller, releaseId: string, body: Record<string, unknown> = {}) {
      const res = await enter(who, releaseId, body);
      expect(res.status, await res.clone().text()).toBe(201);
      return EntrySchema.parse(await res.json());
    }

    async function myEntries(who: Caller) {
      const res = await t.call("GET", "/api/v1/customers/me/ballot-entries", { headers: who.headers });
      expect(res.status).toBe(200);
      return EntryListSchema.parse(await res.json()).items;
    }

    /** Staff draw; answers the published draw (GET), after checking the POST's own summary agrees. */
    async function draw(releaseId: string) {
      const res = await t.call("POST", `/api/v1/releases/${releaseId}/draw`, { headers: shop.staff.headers });
      expect(res.status, await res.clone().text()).toBe(200);
      const result = DrawResultSchema.parse(await res.json());
      const published = DrawSchema.parse(
        await (await t.call("GET", `/api/v1/releases/${releaseId}/draw`)).json(),
      );
      expect(result).toEqual({
        releaseId,
        commitment: published.commitment,
        seed: published.seed!,
        drawnAt: published.drawnAt!,
        entriesDigest: published.entriesDigest!,
        entries: published.entries.length,
        winners: published.winners.length,
      });
      return published;
    }

    describe("entries", () => {
      test("one per customer, listed to its owner, with the hash the draw will publish; withdraw, then enter again", async () => {
        const { release } = await ballot();
        expect(release.ballot).toMatchObject({ entries: 0, drawnAt: null, claimMinutes: 2880 });
        expect(release.ballot!.commitment).toMatch(/^[0-9a-f]{64}$/);
        const buyer = await shop.customer();
        const res = await enter(buyer, release.id, { quantity: 1 });
        expect(res.status).toBe(201);
        const entry = EntrySchema.parse(await res.json());
        expect(res.headers.get("Location")).toBe(`/api/v1/releases/${release.id}/entries/${entry.id}`);
        expect(entry.status).toBe("entered");
        expect(entry.hash).toBe(await sha256Hex(`entry:${entry.id}`));
        expect((await myEntries(buyer)).map((e) => e.id)).toContain(entry.id);

        const again = await enter(buyer, release.id);
        expect(again.status).toBe(409);
        expect(await again.json()).toMatchObject({ code: "already-entered", entryId: entry.id });
        const view = ReleaseSchema.parse(
          await (await t.call("GET", `/api/v1/releases/${release.id}`)).json(),
        );
        expect(view.ballot!.entries).toBe(1);

        const out = await t.call("DELETE", `/api/v1/releases/${release.id}/entries/${entry.id}`, {
          headers: buyer.headers,
        });
        expect(out.status).toBe(200);
        expect((await out.json()).status).toBe("withdrawn");
        const back = await entered(buyer, release.id);
        expect(back.id).not.toBe(entry.id);
      });

      test("one per address, however it is written", async () => {
        const { release } = await ballot();
        const first = await shop.customer();
        const second = await shop.customer();
        await entered(first, release.id, { shipping: address("12 Rose Street, Flat 3") });
        const same = await enter(second, release.id, {
          shipping: { ...address("12 rose st. apt 3"), name: "Someone Else", postalCode: "eh22pr" },
        });
        expect(same.status).toBe(409);
        expect(await same.json()).toMatchObject({
          code: "address-entered",
          errors: [{ path: "shipping", message: "is already used by another entry in this ballot" }],
        });
        await entered(second, release.id, { shipping: address("12 Rose Street, Flat 4") });
      });

      test("refusals name the rule: eligibility, legal age, quantity, window, mode, roles", async () => {
        const picky = (await ballot({ eligibility: { minimumPurchases: 1 } })).release;
        const buyer = await shop.customer();
        const ineligible = await enter(buyer, picky.id);
        expect(ineligible.status).toBe(403);
        expect(await ineligible.json()).toMatchObject({ code: "not-eligible", rule: "minimumPurchases" });

        const { release } = await ballot({ perCustomerLimit: 2 });
        const minor = await shop.customer({ dateOfBirth: at(-10 * 365 * 24 * HOUR).slice(0, 10) });
        const young = await enter(minor, release.id);
        expect(young.status).toBe(403);
        expect((await young.json()).code).toBe("under-legal-age");
        const greedy = await enter(buyer, release.id, { quantity: 3 });
        expect(greedy.status).toBe(422);
        expect((await greedy.json()).errors).toEqual([
          { path: "quantity", message: "must be at most 2 (the release's limit)" },
        ]);

        const later = (await ballot({ opensAt: at(HOUR), closesAt: at(2 * HOUR) })).release;
        const early = await enter(buyer, later.id);
        expect(early.status).toBe(409);
        expect(await early.json()).toMatchObject({ code: "ballot-closed", opensAt: later.opensAt });
        const firstCome = (await ballot({ mode: "first_come" })).release;
        expect((await (await enter(buyer, firstCome.id)).json()).code).toBe("not-drawable");

        expect((await enter(shop.staff, release.id)).status).toBe(403);
        const anonymous = await t.call("POST", `/api/v1/releases/${release.id}/entries`, {
          body: { shipping: address() },
        });
        expect(anonymous.status).toBe(401);
        // Nothing of the refused entries was kept.
        const view = ReleaseSchema.parse(
          await (await t.call("GET", `/api/v1/releases/${release.id}`)).json(),
        );
        expect(view.ballot!.entries).toBe(0);
      });

      test("another customer cannot see or withdraw an entry; staff list and void it", async () => {
        const { release } = await ballot();
        const owner = await shop.customer();
        const other = await shop.customer();
        const entry = await entered(owner, release.id);
        const path = `/api/v1/releases/${release.id}/entries/${entry.id}`;
        expect((await t.call("DELETE", path, { headers: other.headers })).status).toBe(404);
        expect((await myEntries(other)).map((e) => e.id)).not.toContain(entry.id);
        expect(
          (await t.call("GET", `/api/v1/customers/${owner.id}/ballot-entries`, { headers: other.headers }))
            .status,
        ).toBe(404);
        expect(
          (await t.call("GET", `/api/v1/releases/${release.id}/entries`, { headers: owner.headers })).status,
        ).toBe(403);

        const listed = await t.call("GET", `/api/v1/releases/${release.id}/entries`, {
          headers: shop.staff.headers,
        });
        expect(listed.status).toBe(200);
        const items = (await listed.json()).items as { id: string; customerId: string }[];
        expect(items.find((e) => e.id === entry.id)?.customerId).toBe(owner.id);

        const voided = await t.call("POST", `${path}/void`, {
          headers: shop.staff.headers,
          body: { reason: "second account of a known reseller" },
        });
        expect(voided.status).toBe(200);
        expect((await voided.json()).status).toBe("void");
        // A voided entry keeps its customer out.
        expect((await (await enter(owner, release.id)).json()).code).toBe("already-entered");
        expect(
          (await t.call("POST", `${path}/void`, { headers: owner.headers, body: { reason: "x" } })).status,
        ).toBe(403);
      });

      test("staff see entries at the same building, and addresses other customers used", async () => {
        const { release } = await ballot();
        const [a, b, c] = [await shop.customer(), await shop.customer(), await shop.customer()];
        await entered(a, release.id, { shipping: address("7 Queen Street, Flat 1") });
        await entered(b, release.id, { shipping: address("7 Queen Street, Flat 2") });
        await entered(c, release.id, { shipping: address("9 King Street") });
        const res = await t.call("GET", `/api/v1/releases/${release.id}/entries?flagged=true`, {
          headers: shop.staff.headers,
        });
        const items = (await res.json()).items as { customerId: string; sameBuildingEntries: number }[];
        expect(items.map((e) => e.customerId).sort()).toEqual([a.id, b.id].sort());
        expect(items.map((e) => e.sameBuildingEntries)).toEqual([1, 1]);
      });
    });

    test("while the ballot runs, ordinary orders for the spirit are refused (403 ballot-only)", async () => {
      const { spiritId, release } = await ballot();
      const buyer = await shop.customer();
      const res = await shop.order(buyer, [{ spiritId, quantity: 1 }]);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: "ballot-only", releaseId: release.id, spiritId });
    });

    describe("the draw", () => {
      test("before the close 409; after it the seed matches the commitment, winners hold reserved orders, verify-draw agrees", async () => {
        const { spiritId, release } = await ballot({ closesAt: at(WINDOW_MS), allocation: 2 });
        const buyers = await Promise.all([1, 2, 3, 4, 5].map(() => shop.customer()));
        const entries = [];
        for (const b of buyers) entries.push(await entered(b, release.id));
        const early = await t.call("POST", `/api/v1/releases/${release.id}/draw`, {
          headers: shop.staff.headers,
        });
        expect(early.status).toBe(409);
        expect((await early.json()).code).toBe("not-drawable");
        const before = DrawSchema.parse(
          await (await t.call("GET", `/api/v1/releases/${release.id}/draw`)).json(),
        );
        expect(before).toMatchObject({ seed: null, entries: [], commitment: release.ballot!.commitment });

        await passClose(t);
        const published = await draw(release.id);
        expect(await sha256Hex(published.seed!)).toBe(release.ballot!.commitment);
        expect(published.entries.map((e) => e.hash).sort()).toEqual(entries.map((e) => e.hash).sort());
        expect(published.entries.map((e) => e.position).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
        expect(published.winners).toHaveLength(2);
        const again = await t.call("POST", `/api/v1/releases/${release.id}/draw`, {
          headers: shop.staff.headers,
        });
        expect((await again.json()).code).toBe("already-drawn");

        // Winners hold a reserved order for the claim window; the others wait in draw order.
        for (const [i, buyer] of buyers.entries()) {
          const mine = (await myEntries(buyer)).find((e) => e.releaseId === release.id)!;
          const won = published.winners.includes(entries[i]!.hash);
          expect(mine.status).toBe(won ? "won" : "waiting");
          if (!won) continue;
          const order = await (await shop.get(buyer, `/api/v1/orders/${mine.orderId}`)).json();
          expect(order.status).toBe("reserved");
          expect(order.lines[0].spiritId).toBe(spiritId);
          expect(Date.parse(order.expiresAt) - t.deps.clock.now().getTime()).toBeGreaterThan(47 * HOUR);
        }

        const url = `${await t.baseUrl()}/api/v1/releases/${release.id}/draw`;
        const ok = await runVerifier([url, "--entry", entries[0]!.id]);
        expect(ok.out).toContain("ok   winners: 2 winners for 2 bottles");
        expect(ok.out).toContain("ok   my entry:");
        expect(ok.code).toBe(0);

        // A shop that changed its seed after the fact is caught by the commitment it published first.
        await t.deps.db
          .update(releaseBallots)
          .set({ seed: "0".repeat(64) })
          .where(eq(releaseBallots.releaseId, release.id));
        const tampered = await runVerifier([await t.baseUrl(), release.id]);
        expect(tampered.code).toBe(1);
        expect(tampered.out).toContain("FAIL commitment");
        expect(tampered.out).toContain("FAIL order");
      }, 30_000);

      test("a winner's order that ends unpaid passes the bottles to the next entry in draw order", async () => {
        const { release } = await ballot({ closesAt: at(WINDOW_MS), allocation: 1 });
        const buyers = await Promise.all([1, 2, 3].map(() => shop.customer()));
        for (const b of buyers) await entered(b, release.id);
        await passClose(t);
        const published = await draw(release.id);
        const byPlace = [...published.entries].sort((a, b) => a.position - b.position);
        const entryOf = async (hash: string) => {
          for (const b of buyers) {
            const mine = (await myEntries(b)).find((e) => e.releaseId === release.id)!;
            if (mine.hash === hash) return { buyer: b, entry: mine };
          }
          throw new Error("no such entry");
        };
        const first = await entryOf(byPlace[0]!.hash);
        expect(first.entry.status).toBe("won");
        // Cancelled by staff (the same path as an order the reaper expires): the next entry is offered.
        const cancel = await t.call("POST", `/api/v1/orders/${first.entry.orderId}/cancel`, {
          headers: shop.staff.headers,
        });
        expect(cancel.status, await cancel.clone().text()).toBe(200);
        await settle(t);
        expect((await entryOf(byPlace[0]!.hash)).entry.status).toBe("lapsed");
        const second = await entryOf(byPlace[1]!.hash);
        expect(second.entry.status).toBe("won");
        expect((await entryOf(byPlace[2]!.hash)).entry.status).toBe("waiting");

        // Once paid, the ballot is settled: the rest have lost and ordinary orders are taken again.
        const paid = await shop.act(shop.staff, second.entry.orderId!, "confirm");
        expect(paid.status, await paid.clone().text()).toBe(200);
        await settle(t);
        expect((await entryOf(byPlace[2]!.hash)).entry.status).toBe("lost");
        const view = ReleaseSchema.parse(
          await (await t.call("GET", `/api/v1/releases/${release.id}`)).json(),
        );
        expect(view.ballot!.settledAt).not.toBeNull();
        const outcomes = DrawSchema.parse(
          await (await t.call("GET", `/api/v1/releases/${release.id}/draw`)).json(),
        );
        expect(outcomes.entries.map((e) => e.outcome).sort()).toEqual(["lapsed", "lost", "won"]);
        const after = await shop.order(buyers[0]!, [{ spiritId: release.spiritId, quantity: 1 }]);
        expect(after.status, await after.clone().text()).toBe(201);
      }, 30_000);

      test("the settle loop draws a closed ballot by itself", async () => {
        const { release } = await ballot({ closesAt: at(WINDOW_MS), allocation: 1 });
        const buyer = await shop.customer();
        await entered(buyer, release.id);
        await passClose(t);
        await settle(t);
        const published = DrawSchema.parse(
          await (await t.call("GET", `/api/v1/releases/${release.id}/draw`)).json(),
        );
        expect(published.winners).toHaveLength(1);
        expect((await myEntries(buyer)).find((e) => e.releaseId === release.id)?.status).toBe("won");
      }, 30_000);
    });
  },
  { env: { DROP_ENTRIES_PER_MINUTE_CLIENT: "0", DROP_ENTRIES_PER_MINUTE_ACCOUNT: "0" } },
);
