/**
 * Bottle provenance through the HTTP API on both targets: every change of a numbered bottle is chained as
 * it happens in the stock engine's own batch, the chain and its proof are public and hold no customer data,
 * a signed checkpoint proves each head, and the chain cannot be rewritten in place.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { firstBrokenLink } from "../../src/modules/provenance/chain.ts";
import {
  BottleProvenanceSchema,
  CheckpointSchema,
  ProvenanceKeysSchema,
} from "../../src/modules/provenance/provenance.schemas.ts";
import { generateSigningJwk, signerFromJwk } from "../../src/modules/provenance/signing-key.ts";
import { verifyBottle } from "../../src/modules/provenance/verify.ts";
import { type Caller, openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

async function verifyScript(url: string, serial: string) {
  const proc = Bun.spawn(["bun", "scripts/verify-bottle.ts", url, serial], {
    cwd: join(import.meta.dir, "../.."),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, out] = await Promise.all([proc.exited, new Response(proc.stdout).text()]);
  return { code, out };
}

describeTargets("provenance", (t) => {
  let shop: Shop;
  let spiritId: string;
  let batchId: string;
  let buyer: Caller;
  let orderId: string;
  const serial = (n: number) => `${batchId}-${n}`;
  const read = async (n: number) => {
    const res = await t.call("GET", `/api/v1/bottles/${serial(n)}/provenance`);
    expect(res.status, await res.clone().text()).toBe(200);
    return { raw: await res.clone().text(), body: BottleProvenanceSchema.parse(await res.json()) };
  };

  beforeAll(async () => {
    shop = await openShop(t);
    spiritId = await shop.spirit({ limitedEdition: true, totalOutturn: 3 });
    batchId = await shop.batch(spiritId);
    await shop.receive(spiritId, 3, shop.loc("edinburgh"), { batchId, serials: { from: 1, to: 3 } });
    buyer = await shop.customer();
    const order = (await (await shop.order(buyer, [{ spiritId, quantity: 1, batchId }])).json()) as {
      id: string;
    };
    orderId = order.id;
    expect((await shop.act(shop.staff, orderId, "confirm")).status).toBe(200);
    expect((await shop.act(shop.staff, orderId, "ship")).status).toBe(200);
  });

  test("a received bottle's chain starts with its batch's facts; a sold one shows sold and shipped, chained", async () => {
    const { body } = await read(1);
    expect(body.entries.map((e) => e.event)).toEqual(["received", "sold", "shipped"]);
    // Plain comparisons: Bun's toMatchObject writes asymmetric matchers into the object it checks.
    expect(body.entries[0]!.facts?.spiritId).toBe(spiritId);
    expect(typeof body.entries[0]!.facts?.batchNumber).toBe("string");
    expect(body.spiritId).toBe(spiritId);
    expect(await firstBrokenLink(body.serial, body.entries)).toBeNull();
    expect(body.head).toBe(body.entries.at(-1)!.hash);
    const unsold = (await read(2)).body;
    expect(unsold.entries.map((e) => e.event)).toEqual(["received"]);
  });

  test("the public record names no customer and no order", async () => {
    const { raw } = await read(1);
    expect(raw).not.toContain(buyer.id);
    expect(raw).not.toContain(orderId);
  });

  test("an unknown or malformed serial is 404", async () => {
    expect((await t.call("GET", `/api/v1/bottles/${batchId}-99/provenance`)).status).toBe(404);
    expect((await t.call("GET", "/api/v1/bottles/nonsense/provenance")).status).toBe(404);
  });

  describe("checkpoints", () => {
    test("only admins sign one on demand; then every bottle's record proves its head against it", async () => {
      expect(
        (await t.call("POST", "/api/v1/provenance/checkpoints", { headers: shop.staff.headers })).status,
      ).toBe(403);
      const admin = await t.signIn("admin");
      const made = await t.call("POST", "/api/v1/provenance/checkpoints", { headers: admin.headers });
      expect(made.status, await made.clone().text()).toBe(201);
      const checkpoint = CheckpointSchema.parse(await made.json());
      const keys = ProvenanceKeysSchema.parse(
        await (await t.call("GET", "/.well-known/provenance-keys.json")).json(),
      );
      expect(keys.keys.map((k) => k.kid)).toEqual([checkpoint.keyId]);
      for (const n of [1, 2, 3]) {
        const { body } = await read(n);
        expect(body.checkpoint?.id).toBe(checkpoint.id);
        const checks = await verifyBottle(body, keys.keys);
        expect(checks.filter((c) => !c.ok)).toEqual([]);
      }
      const list = await (await t.call("GET", "/api/v1/provenance/checkpoints?limit=1")).json();
      expect((list as { items: { id: string }[] }).items[0]?.id).toBe(checkpoint.id);
    });

    test("a record altered after signing fails verification, naming what broke", async () => {
      const keys = ProvenanceKeysSchema.parse(
        await (await t.call("GET", "/api/v1/provenance/keys")).json(),
      ).keys;
      const { body } = await read(1);
      const moved = {
        ...body,
        entries: body.entries.map((e, i) => (i === 1 ? { ...e, at: "2020-01-01T00:00:00.000Z" } : e)),
      };
      expect((await verifyBottle(moved, keys)).find((c) => c.name === "chain")?.ok).toBe(false);
      // A checkpoint signed with another key than the published one is refused.
      const forger = await signerFromJwk(await generateSigningJwk());
      const forged = { ...body, checkpoint: { ...body.checkpoint!, signature: await forger.sign("{}") } };
      expect((await verifyBottle(forged, keys)).find((c) => c.name === "signature")?.ok).toBe(false);
    });
  });

  test("entries cannot be changed or deleted once sealed", async () => {
    await read(1);
    await expect(
      t.deps.client.execute({
        sql: "UPDATE bottle_provenance SET location_id = 'elsewhere' WHERE batch_id = ?",
        args: [batchId],
      }),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.deps.client.execute({ sql: "DELETE FROM bottle_provenance WHERE batch_id = ?", args: [batchId] }),
    ).rejects.toThrow(/append-only/);
  });

  test("npm run verify-bottle checks a bottle against the live shop, and fails on a rewritten entry", async () => {
    const admin = await t.signIn("admin");
    expect((await t.call("POST", "/api/v1/provenance/checkpoints", { headers: admin.headers })).status).toBe(
      201,
    );
    const url = await t.baseUrl();
    const good = await verifyScript(url, serial(1));
    expect(good.out).toContain("ok   signature");
    expect(good.code).toBe(0);
    // Someone with the database itself drops the guard and rewrites where the bottle was sold from.
    await t.deps.client.execute("DROP TRIGGER bottle_provenance_seal_once");
    await t.deps.client.execute({
      sql: "UPDATE bottle_provenance SET location_id = 'loc_forged' WHERE batch_id = ? AND number = 1 AND event = 'sold'",
      args: [batchId],
    });
    const bad = await verifyScript(url, serial(1));
    expect(bad.out).toContain("FAIL chain: entry 1 (sold");
    expect(bad.code).toBe(1);
    // Deleting an entry breaks the link of the one after it.
    await t.deps.client.execute("DROP TRIGGER bottle_provenance_no_delete");
    await t.deps.client.execute({
      sql: "DELETE FROM bottle_provenance WHERE batch_id = ? AND number = 1 AND event = 'sold'",
      args: [batchId],
    });
    const gone = await verifyScript(url, serial(1));
    expect(gone.out).toContain("FAIL chain: entry 1 (shipped");
    expect(gone.code).toBe(1);
  });
});
