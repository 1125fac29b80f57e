/**
 * The catalog through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in
 * workerd over libSQL through HTTP): the same requests, the same answers, full-text search included.
 */
import { expect, test } from "bun:test";
import { SpiritSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { minimalSpiritBody, spiritBody } from "../catalog/fixtures.ts";
import { describeTargets, type Target } from "../support/targets.ts";

type Caller = { headers: Record<string, string> };

async function create(t: Target, staff: Caller, body: Record<string, unknown>) {
  const res = await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body });
  expect(res.status).toBe(201);
  return SpiritSchema.parse(await res.json());
}

describeTargets("the catalog", (t) => {
  let staff: Caller;
  let customer: Caller;
  const roles = async () => {
    staff ??= await t.signIn("staff");
    customer ??= await t.signIn("customer");
  };

  test("staff create a spirit: 201, Location, every field echoed; anyone reads it", async () => {
    await roles();
    const body = spiritBody({ name: "Glen Contract 18 Year Old" });
    const res = await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body });
    expect(res.status).toBe(201);
    const spirit = SpiritSchema.parse(await res.json());
    expect(res.headers.get("Location")).toBe(`/api/v1/spirits/${spirit.id}`);
    expect(spirit).toMatchObject({ ...body, rating: { average: null, count: 0 } });
    const read = await t.call("GET", `/api/v1/spirits/${spirit.id}`);
    expect(read.status).toBe(200);
    expect(SpiritSchema.parse(await read.json())).toEqual(spirit);
  });

  test("validation: 422 with each invalid field's path, and nothing is created", async () => {
    await roles();
    const res = await t.call("POST", "/api/v1/spirits", {
      headers: staff.headers,
      body: minimalSpiritBody({ abv: 120, country: "XX", price: { amountMinor: -1, currency: "GBP" } }),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const paths = ((await res.json()).errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(["abv", "country", "price.amountMinor"]);
  });

  test("customers may not write the catalog (403), anonymous callers must sign in (401)", async () => {
    await roles();
    const asCustomer = await t.call("POST", "/api/v1/spirits", {
      headers: customer.headers,
      body: minimalSpiritBody(),
    });
    expect(asCustomer.status).toBe(403);
    const anonymous = await t.call("POST", "/api/v1/spirits", { body: minimalSpiritBody() });
    expect(anonymous.status).toBe(401);
  });

  test("PATCH is a merge patch: what is sent changes, the rest stays", async () => {
    await roles();
    const spirit = await create(t, staff, minimalSpiritBody({ name: "Patchable Gin" }));
    const res = await t.call("PATCH", `/api/v1/spirits/${spirit.id}`, {
      headers: staff.headers,
      body: { abv: 43.5, price: { amountMinor: 3100 } },
    });
    expect(res.status).toBe(200);
    const patched = SpiritSchema.parse(await res.json());
    expect(patched).toMatchObject({
      name: "Patchable Gin",
      abv: 43.5,
      price: { amountMinor: 3100, currency: "EUR" },
    });
  });

  test("batches of a spirit: created and listed", async () => {
    await roles();
    const spirit = await create(t, staff, minimalSpiritBody({ name: "Batched Rum" }));
    const made = await t.call("POST", `/api/v1/spirits/${spirit.id}/batches`, {
      headers: staff.headers,
      body: { batchNumber: "B-001", caskNumbers: ["12", "13"] },
    });
    expect(made.status).toBe(201);
    const list = await t.call("GET", `/api/v1/spirits/${spirit.id}/batches`);
    expect(list.status).toBe(200);
    const body = (await list.json()) as { items: { batchNumber: string }[] };
    expect(body.items.map((b) => b.batchNumber)).toEqual(["B-001"]);
  });

  test("the list pages with a cursor, newest first, without repeats", async () => {
    await roles();
    for (let i = 0; i < 5; i++) await create(t, staff, minimalSpiritBody({ name: `Paged Vodka ${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.call(
        "GET",
        `/api/v1/spirits?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });

  test("full-text search (FTS5) finds a spirit by a word of its tasting notes", async () => {
    await roles();
    const spirit = await create(
      t,
      staff,
      spiritBody({
        name: "Searchable Islay Malt",
        tastingNotes: { nose: "Bonfire smoke", palate: "Kippers", finish: "Long" },
      }),
    );
    const res = await t.call("GET", "/api/v1/spirits?q=kippers");
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as { items: { id: string }[] }).items.map((s) => s.id);
    expect(ids).toContain(spirit.id);
  });

  test("DELETE removes a spirit nothing refers to (204), and archives one a batch refers to (200)", async () => {
    await roles();
    const lonely = await create(t, staff, minimalSpiritBody({ name: "Unloved Brandy" }));
    expect((await t.call("DELETE", `/api/v1/spirits/${lonely.id}`, { headers: staff.headers })).status).toBe(
      204,
    );
    expect((await t.call("GET", `/api/v1/spirits/${lonely.id}`)).status).toBe(404);

    const referred = await create(t, staff, minimalSpiritBody({ name: "Retired Brandy" }));
    await t.call("POST", `/api/v1/spirits/${referred.id}/batches`, {
      headers: staff.headers,
      body: { batchNumber: "B-9", caskNumbers: [] },
    });
    const archived = await t.call("DELETE", `/api/v1/spirits/${referred.id}`, { headers: staff.headers });
    expect(archived.status).toBe(200);
    expect((await archived.json()).spirit).toMatchObject({ id: referred.id, status: "archived" });
    const list = await (await t.call("GET", "/api/v1/spirits?limit=100")).json();
    expect((list.items as { id: string }[]).map((s) => s.id)).not.toContain(referred.id);
  });
});
