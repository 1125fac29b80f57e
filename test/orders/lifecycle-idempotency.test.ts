/**
 * Every route that changes stock takes an `Idempotency-Key`: confirm, cancel, ship and the pre-order release
 * as well as placing an order. A retry with the same key gets the first answer (marked
 * `Idempotent-Replayed: true`) and moves no stock again.
 * On both targets.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { describeTargets } from "../support/targets.ts";
import { type Caller, openShop, type Shop, TEST_PARCEL } from "./shop.ts";

describeTargets("stock-changing order routes take an Idempotency-Key", (t) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(t);
  });

  const act = (who: Caller, path: string, key?: string) =>
    t.call("POST", path, {
      headers: { ...who.headers, ...(key ? { "Idempotency-Key": key } : {}) },
      body: path.endsWith("/ship") ? TEST_PARCEL : undefined,
    });
  const movements = async (spiritId: string) =>
    (
      (await (await shop.get(shop.staff, `/api/v1/inventory/${spiritId}/movements`)).json()) as {
        items: unknown[];
      }
    ).items.length;

  async function placed(quantity = 1) {
    const s = await shop.spirit();
    await shop.receive(s, 5);
    const c = await shop.customer();
    const order = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity }])).json());
    return { s, c, order };
  }

  describe("a retry with the same key answers the first answer and moves nothing more", () => {
    test("cancel: the retry is the first answer, replayed, and gives nothing back twice", async () => {
      const { s, c, order } = await placed(2);
      const first = await act(c, `/api/v1/orders/${order.id}/cancel`, "cancel-1");
      expect(first.status).toBe(200);
      const body = await first.json();
      const moves = await movements(s);
      const retry = await act(c, `/api/v1/orders/${order.id}/cancel`, "cancel-1");
      expect(retry.status).toBe(200);
      expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
      expect(await retry.json()).toEqual(body);
      expect(await movements(s)).toBe(moves);
      expect((await shop.inventory(s)).available).toBe(5);
      expect((await shop.audit()).clean).toBe(true);
    });

    test("confirm and ship: retries replay, and on-hand goes down once", async () => {
      const { s, order } = await placed(2);
      const confirmed = await act(shop.staff, `/api/v1/orders/${order.id}/confirm`, "confirm-1");
      expect(confirmed.status).toBe(200);
      const again = await act(shop.staff, `/api/v1/orders/${order.id}/confirm`, "confirm-1");
      expect(again.headers.get("Idempotent-Replayed")).toBe("true");
      expect(await again.json()).toEqual(await confirmed.json());

      const shipped = await act(shop.staff, `/api/v1/orders/${order.id}/ship`, "ship-1");
      expect(shipped.status).toBe(200);
      const moves = await movements(s);
      const retry = await act(shop.staff, `/api/v1/orders/${order.id}/ship`, "ship-1");
      expect(retry.status).toBe(200);
      expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
      expect(await movements(s)).toBe(moves);
      expect((await shop.inventory(s)).levels![0]).toMatchObject({ onHand: 3, reserved: 0 });
      expect((await shop.audit()).clean).toBe(true);
    });

    test("pre-order release: the retry converts nothing more", async () => {
      const s = await shop.spirit({
        status: "announced",
        releaseDate: new Date(t.deps.clock.now().getTime() + 365 * 86_400_000).toISOString().slice(0, 10),
        preorderAllocation: 5,
      });
      const [a, b] = [await shop.customer(), await shop.customer()];
      await shop.order(a, [{ spiritId: s, quantity: 1 }]);
      await shop.receive(s, 1);
      const path = `/api/v1/inventory/${s}/preorders/release`;
      const first = await act(shop.staff, path, "release-1");
      expect(await first.json()).toEqual({ spiritId: s, converted: 1, waiting: 0 });
      // Another pre-order and more stock arrive; the retry still answers the first release and converts nothing.
      await shop.order(b, [{ spiritId: s, quantity: 1 }]);
      await shop.receive(s, 1);
      const retry = await act(shop.staff, path, "release-1");
      expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
      expect(await retry.json()).toEqual({ spiritId: s, converted: 1, waiting: 0 });
      // A new key releases the new one.
      expect(await (await act(shop.staff, path, "release-2")).json()).toEqual({
        spiritId: s,
        converted: 1,
        waiting: 0,
      });
    });
  });

  test("the key is the caller's: another order's path with the same key is refused, not replayed", async () => {
    const { c, order } = await placed();
    const other = await placed();
    expect((await act(c, `/api/v1/orders/${order.id}/cancel`, "shared-key")).status).toBe(200);
    const reused = await act(c, `/api/v1/orders/${other.order.id}/cancel`, "shared-key");
    expect(reused.status).not.toBe(200);
    expect(reused.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await reused.json()).type).toEndWith("/idempotency-key-reused");
  });

  test("the first answer stays the answer: after the order moved on, and when it was a refusal", async () => {
    const { order } = await placed();
    const confirm = `/api/v1/orders/${order.id}/confirm`;
    const confirmed = await (await act(shop.staff, confirm, "confirm-then-ship")).json();
    expect((await act(shop.staff, `/api/v1/orders/${order.id}/ship`)).status).toBe(200);
    const late = await act(shop.staff, confirm, "confirm-then-ship");
    expect(late.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await late.json()).toEqual(confirmed);

    const cancelled = await placed();
    await act(cancelled.c, `/api/v1/orders/${cancelled.order.id}/cancel`);
    const refused = await act(shop.staff, `/api/v1/orders/${cancelled.order.id}/confirm`, "refused-1");
    expect(refused.status).toBe(409);
    const again = await act(shop.staff, `/api/v1/orders/${cancelled.order.id}/confirm`, "refused-1");
    expect([again.status, again.headers.get("Idempotent-Replayed")]).toEqual([409, "true"]);
    expect(await again.json()).toEqual(await refused.json());
  });

  test("the OpenAPI document declares the key, the replay marker and the key's problems on each route", async () => {
    const doc = await (await t.call("GET", "/api/v1/openapi.json")).json();
    for (const path of [
      "/api/v1/orders/{id}/confirm",
      "/api/v1/orders/{id}/cancel",
      "/api/v1/orders/{id}/ship",
      "/api/v1/inventory/{spiritId}/preorders/release",
    ]) {
      const op = doc.paths[path].post;
      expect(
        op.parameters.find((p: { in: string }) => p.in === "header"),
        path,
      ).toMatchObject({ name: "idempotency-key", required: false });
      expect(op.responses["200"].headers, path).toHaveProperty("Idempotent-Replayed");
      expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(["400", "409", "422"]));
    }
  });
});
