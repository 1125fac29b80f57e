/**
 * The staff audit log is tamper-evident on both targets: entries cannot be changed or deleted through SQL,
 * and an admin's verification recomputes the chain and names the first entry that was edited or removed
 * by someone who went around the guards.
 */
import { beforeAll, expect, test } from "bun:test";
import { AuditVerificationSchema } from "../../src/modules/audit/audit.routes.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

describeTargets("audit log chain", (t) => {
  let shop: Shop;
  let admin: { headers: Record<string, string> };
  const verify = async () => {
    const res = await t.call("GET", "/api/v1/audit/verify", { headers: admin.headers });
    expect(res.status).toBe(200);
    return AuditVerificationSchema.parse(await res.json());
  };

  beforeAll(async () => {
    shop = await openShop(t);
    admin = await t.signIn("admin");
    for (let i = 0; i < 3; i++) await shop.spirit();
  });

  test("only admins verify; staff are 403, anonymous 401", async () => {
    expect((await t.call("GET", "/api/v1/audit/verify")).status).toBe(401);
    expect((await t.call("GET", "/api/v1/audit/verify", { headers: shop.staff.headers })).status).toBe(403);
  });

  test("an untouched log verifies, entry by entry", async () => {
    const result = await verify();
    expect(result.ok).toBe(true);
    expect(result.entries).toBeGreaterThanOrEqual(3);
    expect(result.firstBroken).toBeNull();
  });

  test("SQL cannot change or delete an entry", async () => {
    await verify();
    await expect(t.deps.client.execute("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/append-only/);
    await expect(t.deps.client.execute("DELETE FROM audit_log")).rejects.toThrow(/append-only/);
  });

  test("an entry removed around the guards breaks the link of the one after it", async () => {
    await verify();
    const rows = await t.deps.client.execute("SELECT id FROM audit_log ORDER BY rowid");
    const ids = rows.rows.map((r) => String(r.id));
    await t.deps.client.execute("DROP TRIGGER audit_log_no_delete");
    await t.deps.client.execute({ sql: "DELETE FROM audit_log WHERE id = ?", args: [ids[2]!] });
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ id: ids[3], position: 2 });
    expect(result.firstBroken!.reason).toContain("removed");
  });

  test("an entry edited around the guards is named as the first broken link", async () => {
    const second = await t.deps.client.execute("SELECT id FROM audit_log ORDER BY rowid LIMIT 1 OFFSET 1");
    const id = String(second.rows[0]!.id);
    await t.deps.client.execute("DROP TRIGGER audit_log_seal_once");
    await t.deps.client.execute({
      sql: "UPDATE audit_log SET actor_id = 'acc_someone_else' WHERE id = ?",
      args: [id],
    });
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ id, position: 1 });
    expect(result.firstBroken!.reason).toContain("changed");
  });
});
