/**
 * Packaging variants of one spirit (a 5 cl sample, a gift box): each its own price and its own stock,
 * without a second spirit. Run on Bun and on the Worker build.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { type Caller, openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

type Variant = {
  id: string;
  spiritId: string;
  name: string;
  sizeMl: number;
  packaging: string;
  price: { amountMinor: number; currency: string };
  sku: string | null;
  status: string;
  available: number;
  stockStatus: string;
};
type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };
type OrderBody = {
  id: string;
  total: { amountMinor: number };
  lines: { variantId: string | null; unitPrice: { amountMinor: number }; quantity: number }[];
};

const SAMPLE = {
  name: "5 cl sample",
  sizeMl: 50,
  packaging: "sample",
  price: { amountMinor: 900, currency: "GBP" },
};
const GIFT_BOX = {
  name: "70 cl in a gift box",
  sizeMl: 700,
  packaging: "gift_box",
  price: { amountMinor: 13500, currency: "GBP" },
};

describeTargets("spirit variants", (t) => {
  let shop: Shop;
  let admin: Caller;

  beforeAll(async () => {
    shop = await openShop(t);
    admin = await t.signIn("admin");
  });

  async function addVariant(spiritId: string, body: Record<string, unknown>, who: Caller = shop.staff) {
    return t.call("POST", `/api/v1/spirits/${spiritId}/variants`, { headers: who.headers, body });
  }
  async function variant(spiritId: string, body: Record<string, unknown> = SAMPLE): Promise<Variant> {
    const res = await addVariant(spiritId, body);
    if (res.status !== 201) throw new Error(`variant: ${res.status} ${await res.text()}`);
    return (await res.json()) as Variant;
  }
  async function variants(spiritId: string, who?: Caller) {
    const res = await t.call("GET", `/api/v1/spirits/${spiritId}/variants`, { headers: who?.headers ?? {} });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Variant[] }).items;
  }
  const patch = (spiritId: string, variantId: string, body: unknown, who: Caller = shop.staff) =>
    t.call("PATCH", `/api/v1/spirits/${spiritId}/variants/${variantId}`, { headers: who.headers, body });

  describe("who may call", () => {
    test("listing is public; adding and changing are for staff and admins", async () => {
      const s = await shop.spirit();
      const customer = await shop.customer();
      const seen: Record<string, number[]> = { list: [], add: [], change: [] };
      for (const who of [undefined, customer, shop.staff, admin]) {
        const list = await t.call("GET", `/api/v1/spirits/${s}/variants`, { headers: who?.headers ?? {} });
        seen.list!.push(list.status);
        const added = await t.call("POST", `/api/v1/spirits/${s}/variants`, {
          headers: who?.headers ?? {},
          body: { ...SAMPLE, name: `sample ${seen.add!.length}` },
        });
        seen.add!.push(added.status);
        const target = who === shop.staff || who === admin ? ((await added.json()) as Variant).id : "var_x";
        const changed = await t.call("PATCH", `/api/v1/spirits/${s}/variants/${target}`, {
          headers: who?.headers ?? {},
          body: { name: "renamed" },
        });
        seen.change!.push(changed.status);
      }
      expect(seen).toEqual({
        list: [200, 200, 200, 200],
        add: [401, 403, 201, 201],
        change: [401, 403, 200, 200],
      });
      // The refused calls changed nothing: only staff's and the admin's variants exist.
      expect((await variants(s)).map((v) => v.name)).toEqual(["renamed", "renamed"]);
    });
  });

  describe("the catalog side", () => {
    test("a variant is stored with its own size, packaging and price; the spirit view lists it", async () => {
      const s = await shop.spirit({ name: "Lagavulin 16" });
      const before = (await (await t.call("GET", `/api/v1/spirits/${s}`)).json()) as Record<string, unknown>;
      expect("variants" in before).toBe(false);

      const res = await addVariant(s, { ...SAMPLE, sku: "LAG16-5CL" });
      expect(res.status).toBe(201);
      const v = (await res.json()) as Variant;
      expect(res.headers.get("Location")).toBe(`/api/v1/spirits/${s}/variants/${v.id}`);
      expect(v).toMatchObject({
        spiritId: s,
        name: "5 cl sample",
        sizeMl: 50,
        packaging: "sample",
        price: { amountMinor: 900, currency: "GBP" },
        sku: "LAG16-5CL",
        status: "active",
        available: 0,
        stockStatus: "not_stocked",
      });
      expect(v.id).toStartWith("var_");

      const view = (await (await t.call("GET", `/api/v1/spirits/${s}`)).json()) as {
        price: { amountMinor: number };
        bottleSizeMl: number;
        variants: Variant[];
      };
      // The spirit's own fields stay its standard unit.
      expect([view.price.amountMinor, view.bottleSizeMl]).toEqual([12000, 700]);
      expect(view.variants.map((x) => [x.id, x.price.amountMinor, x.stockStatus])).toEqual([
        [v.id, 900, "not_stocked"],
      ]);
    });

    test("bad input is a problem that changes nothing: currency, duplicate SKU, unknown spirit", async () => {
      const s = await shop.spirit();
      const euro = await addVariant(s, { ...SAMPLE, price: { amountMinor: 900, currency: "EUR" } });
      expect(euro.status).toBe(422);
      expect(((await euro.json()) as Problem).errors).toEqual([
        { path: "price.currency", message: "must be GBP, the spirit's currency" },
      ]);
      const invalid = await addVariant(s, { ...SAMPLE, packaging: "crate", sizeMl: 0 });
      expect(invalid.status).toBe(422);
      expect(((await invalid.json()) as Problem).errors!.map((e) => e.path).sort()).toEqual([
        "packaging",
        "sizeMl",
      ]);
      await variant(s, { ...SAMPLE, sku: "DUP-1" });
      const other = await shop.spirit();
      const dup = await addVariant(other, { ...GIFT_BOX, sku: "DUP-1" });
      expect(dup.status).toBe(409);
      expect(((await dup.json()) as Problem).code).toBe("duplicate-sku");
      expect(await variants(other)).toEqual([]);
      expect((await addVariant("spr_nope", SAMPLE)).status).toBe(404);
      expect((await t.call("GET", "/api/v1/spirits/spr_nope/variants")).status).toBe(404);
    });

    test("a spirit with variants is archived, not deleted", async () => {
      const s = await shop.spirit();
      await variant(s);
      const res = await t.call("DELETE", `/api/v1/spirits/${s}`, { headers: shop.staff.headers });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { outcome: string; detail: string }).detail).toContain(
        "1 spirit variant",
      );
    });

    test("a variant of another spirit is not found under this one", async () => {
      const a = await shop.spirit();
      const b = await shop.spirit();
      const vb = await variant(b);
      const res = await patch(a, vb.id, { name: "stolen" });
      expect(res.status).toBe(404);
      expect((await variants(b))[0]!.name).toBe("5 cl sample");
    });
  });

  describe("stock per variant", () => {
    test("stock received for a variant is that variant's; the levels say which", async () => {
      const s = await shop.spirit();
      const v = await variant(s);
      await shop.receive(s, 4);
      await shop.receive(s, 10, shop.loc("edinburgh"), { variantId: v.id });
      const [listed] = await variants(s);
      expect([listed!.available, listed!.stockStatus]).toEqual([10, "in_stock"]);
      const levels = (await shop.inventory(s)).levels!.map((l) => ({
        variantId: l.variantId,
        onHand: l.onHand,
      }));
      expect(levels).toEqual([
        { variantId: null, onHand: 4 },
        { variantId: v.id, onHand: 10 },
      ]);
      // Staff watchers see which level is the variant's.
      const event = await t.services.inventory.stockSnapshot(s);
      expect(event.byBatch.map((b) => b.variantId ?? null)).toEqual([null, v.id]);
      expect((await shop.audit()).clean).toBe(true);
    });

    test("the stock sheet (CSV) is the standard unit's: a variant's levels are not in it", async () => {
      const s = await shop.spirit();
      const v = await variant(s);
      await shop.receive(s, 4);
      await shop.receive(s, 10, shop.loc("edinburgh"), { variantId: v.id });
      const res = await t.call("GET", "/api/v1/inventory/export.csv", { headers: shop.staff.headers });
      expect(res.status).toBe(200);
      const rows = (await res.text()).split(/\r?\n/).filter((r) => r.startsWith(s));
      expect(rows.length).toBe(1);
      expect(rows[0]).toContain(",4,0,4");
    });

    test("a 5 cl sample sells while the 70 cl is sold out, at the sample's price", async () => {
      const s = await shop.spirit();
      const sample = await variant(s);
      await shop.receive(s, 1);
      await shop.receive(s, 5, shop.loc("edinburgh"), { variantId: sample.id });
      const c = await shop.customer();
      expect((await shop.order(c, [{ spiritId: s, quantity: 1 }])).status).toBe(201);
      // The 70 cl is gone; the samples are not 70 cl bottles.
      const bottle = await shop.order(c, [{ spiritId: s, quantity: 1 }]);
      expect(bottle.status).toBe(409);
      expect(((await bottle.json()) as Problem).code).toBe("sold-out");

      const res = await shop.order(c, [{ spiritId: s, quantity: 2, variantId: sample.id }]);
      expect(res.status).toBe(201);
      const order = (await res.json()) as OrderBody;
      expect(order.lines.map((l) => [l.variantId, l.unitPrice.amountMinor, l.quantity])).toEqual([
        [sample.id, 900, 2],
      ]);
      expect(order.total.amountMinor).toBe(1800);
      expect((await variants(s))[0]!.available).toBe(3);
      // A read of the order says the same.
      const read = (await (await shop.get(c, `/api/v1/orders/${order.id}`)).json()) as OrderBody;
      expect(read.lines[0]!.variantId).toBe(sample.id);
    });

    test("and the other way round: the 70 cl sells while the samples are sold out", async () => {
      const s = await shop.spirit();
      const sample = await variant(s);
      await shop.receive(s, 3);
      await shop.receive(s, 1, shop.loc("edinburgh"), { variantId: sample.id });
      const c = await shop.customer();
      expect((await shop.order(c, [{ spiritId: s, quantity: 1, variantId: sample.id }])).status).toBe(201);
      const again = await shop.order(c, [{ spiritId: s, quantity: 1, variantId: sample.id }]);
      expect(again.status).toBe(409);
      const problem = (await again.json()) as Problem & { available: number; variantId: string };
      expect([problem.code, problem.available, problem.variantId]).toEqual(["sold-out", 0, sample.id]);
      const bottle = await shop.order(c, [{ spiritId: s, quantity: 3 }]);
      expect(bottle.status).toBe(201);
      expect(((await bottle.json()) as OrderBody).lines[0]!.unitPrice.amountMinor).toBe(12000);
    });

    test("one variant's stock is never sold as another's", async () => {
      const s = await shop.spirit();
      const sample = await variant(s);
      const box = await variant(s, GIFT_BOX);
      await shop.receive(s, 6, shop.loc("edinburgh"), { variantId: sample.id });
      await shop.receive(s, 2);
      const c = await shop.customer();
      for (const variantId of [box.id, undefined]) {
        const res = await shop.order(c, [{ spiritId: s, quantity: 3, ...(variantId ? { variantId } : {}) }]);
        expect(res.status).toBe(409);
      }
      expect((await shop.inventory(s)).available).toBe(8);
      const both = await shop.order(c, [
        { spiritId: s, quantity: 2 },
        { spiritId: s, quantity: 6, variantId: sample.id },
      ]);
      expect(both.status).toBe(201);
      const lines = ((await both.json()) as OrderBody).lines;
      expect(lines.map((l) => [l.variantId, l.unitPrice.amountMinor])).toEqual([
        [null, 12000],
        [sample.id, 900],
      ]);
      expect((await shop.inventory(s)).available).toBe(0);
      expect((await shop.audit()).clean).toBe(true);
    });

    test("a pre-ordered sample becomes a hold on the samples' stock at release, not on the bottles'", async () => {
      const releaseDate = new Date(t.deps.clock.now().getTime() + 365 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const s = await shop.spirit({ status: "announced", releaseDate, preorderAllocation: 5 });
      const sample = await variant(s);
      const c = await shop.customer();
      const pre = await shop.order(c, [{ spiritId: s, quantity: 2, variantId: sample.id }]);
      expect(pre.status).toBe(201);
      const placed = (await pre.json()) as OrderBody & { status: string };
      expect([placed.status, placed.lines[0]!.unitPrice.amountMinor]).toEqual(["preordered", 900]);
      await shop.receive(s, 3);
      await shop.receive(s, 2, shop.loc("edinburgh"), { variantId: sample.id });
      const released = await t.call("POST", `/api/v1/inventory/${s}/preorders/release`, {
        headers: shop.staff.headers,
      });
      expect(await released.json()).toEqual({ spiritId: s, converted: 1, waiting: 0 });
      const levels = (await shop.inventory(s)).levels!.map((l) => [l.variantId, l.reserved]);
      expect(levels).toEqual([
        [null, 0],
        [sample.id, 2],
      ]);
    });

    test("a returned sample goes back into the samples' stock", async () => {
      const s = await shop.spirit();
      const sample = await variant(s);
      await shop.receive(s, 1, shop.loc("edinburgh"), { variantId: sample.id });
      const c = await shop.customer();
      const order = (await (
        await shop.order(c, [{ spiritId: s, quantity: 1, variantId: sample.id }])
      ).json()) as {
        id: string;
        lines: { id: string }[];
      };
      expect((await shop.act(shop.staff, order.id, "confirm")).status).toBe(200);
      expect((await shop.act(shop.staff, order.id, "ship")).status).toBe(200);
      const back = await t.call("POST", `/api/v1/orders/${order.id}/returns`, {
        headers: shop.staff.headers,
        body: { lineId: order.lines[0]!.id, quantity: 1, reason: "unopened" },
      });
      expect(back.status).toBe(200);
      const levels = (await shop.inventory(s)).levels!.map((l) => [l.variantId, l.onHand]);
      expect(levels).toEqual([[sample.id, 1]]);
      expect((await variants(s))[0]!.available).toBe(1);
    });

    test("the per-customer limit counts units of the spirit across its variants", async () => {
      const s = await shop.spirit({ maxPerCustomer: 3 });
      const sample = await variant(s);
      await shop.receive(s, 5);
      await shop.receive(s, 5, shop.loc("edinburgh"), { variantId: sample.id });
      const c = await shop.customer();
      expect((await shop.order(c, [{ spiritId: s, quantity: 2 }])).status).toBe(201);
      const over = await shop.order(c, [{ spiritId: s, quantity: 2, variantId: sample.id }]);
      expect(over.status).toBe(422);
      expect(((await over.json()) as Problem).code).toBe("per-customer-limit");
      expect((await shop.order(c, [{ spiritId: s, quantity: 1, variantId: sample.id }])).status).toBe(201);
    });

    test("cancelling gives the variant's units back to the variant", async () => {
      const s = await shop.spirit();
      const sample = await variant(s);
      await shop.receive(s, 2, shop.loc("edinburgh"), { variantId: sample.id });
      const c = await shop.customer();
      const order = (await (
        await shop.order(c, [{ spiritId: s, quantity: 2, variantId: sample.id }])
      ).json()) as {
        id: string;
      };
      expect((await variants(s))[0]!.available).toBe(0);
      expect((await shop.act(c, order.id, "cancel")).status).toBe(200);
      expect((await variants(s))[0]!.available).toBe(2);
      expect((await shop.inventory(s)).levels!.find((l) => l.onHand === 2)).toBeDefined();
    });
  });

  describe("retired and foreign variants", () => {
    test("a retired variant is neither sold nor received, and leaves the public list", async () => {
      const s = await shop.spirit();
      const sample = await variant(s);
      await shop.receive(s, 4, shop.loc("edinburgh"), { variantId: sample.id });
      const retired = await patch(s, sample.id, { status: "retired" });
      expect(retired.status).toBe(200);
      expect(((await retired.json()) as Variant).status).toBe("retired");

      const c = await shop.customer();
      const order = await shop.order(c, [{ spiritId: s, quantity: 1, variantId: sample.id }]);
      expect(order.status).toBe(422);
      const problem = (await order.json()) as Problem & { variantId: string };
      expect([problem.code, problem.variantId]).toEqual(["variant-retired", sample.id]);

      const receive = await shop.change(s, {
        type: "receive",
        locationId: shop.loc("edinburgh"),
        quantity: 1,
        variantId: sample.id,
      });
      expect(receive.status).toBe(422);
      expect(((await receive.json()) as Problem).code).toBe("variant-retired");
      // Its stock can still be written off.
      const writeOff = await shop.change(s, {
        type: "adjust",
        locationId: shop.loc("edinburgh"),
        delta: -4,
        reason: "samples discontinued",
        variantId: sample.id,
      });
      expect(writeOff.status).toBe(200);

      expect(await variants(s)).toEqual([]);
      expect((await variants(s, shop.staff)).map((v) => v.status)).toEqual(["retired"]);
      const view = (await (await t.call("GET", `/api/v1/spirits/${s}`)).json()) as Record<string, unknown>;
      expect("variants" in view).toBe(false);
    });

    test("another spirit's variant is refused by orders and by stock changes", async () => {
      const a = await shop.spirit();
      const b = await shop.spirit();
      const vb = await variant(b);
      await shop.receive(b, 3, shop.loc("edinburgh"), { variantId: vb.id });
      await shop.receive(a, 3);
      const c = await shop.customer();
      const order = await shop.order(c, [{ spiritId: a, quantity: 1, variantId: vb.id }]);
      expect(order.status).toBe(422);
      const problem = (await order.json()) as Problem;
      expect(problem.code).toBe("unknown-variant");
      expect(problem.errors).toEqual([
        { path: "items.0.variantId", message: `no variant ${vb.id} of this spirit` },
      ]);
      const receive = await shop.change(a, {
        type: "receive",
        locationId: shop.loc("edinburgh"),
        quantity: 1,
        variantId: vb.id,
      });
      expect(receive.status).toBe(422);
      expect(((await receive.json()) as Problem).code).toBe("unknown-variant");
      expect((await shop.inventory(a)).available).toBe(3);
      expect((await shop.inventory(b)).available).toBe(3);
    });
  });
});
