/**
 * Staff and admin accounts through the HTTP API, one suite on both targets (in-process on Bun, the Worker
 * build in workerd). A target's database lives for the whole block, so tests use e-mails of their own; the
 * listing has a block (and so a database) to itself.
 */
import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accounts } from "../../src/db/schema/accounts.ts";
import { auditLog } from "../../src/db/schema/http.ts";
import { AccountListSchema, AccountSchema } from "../../src/modules/accounts/accounts.schemas.ts";
import { describeTargets, letTimePass, type Target } from "../support/targets.ts";

type Caller = Awaited<ReturnType<Target["signIn"]>>;
let n = 0;
const unique = (name: string) => `${name}-${++n}-${Date.now()}@shop.example`;
/** The e-mail of the staff member a test adds (fresh for each test of the main block). */
let sam = "sam@shop.example";
/** An e-mail no test ever adds. */
const NEVER = "never-added@shop.example";

const PASSWORD = "a long staff passphrase";
const newStaff = (overrides: Record<string, unknown> = {}) => ({
  email: sam,
  password: PASSWORD,
  role: "staff",
  name: "Sam Ward",
  ...overrides,
});

describeTargets("managing accounts", (t) => {
  let admin: Caller;
  beforeEach(async () => {
    admin = await t.signIn("admin", unique("root"));
    sam = unique("sam");
  });
  const auditOf = (subject: string) => t.deps.db.select().from(auditLog).where(eq(auditLog.subject, subject));

  describe("who may manage accounts", () => {
    const routes = [
      ["GET", "/api/v1/accounts", undefined],
      ["POST", "/api/v1/accounts", newStaff({ email: NEVER })],
      ["GET", "/api/v1/accounts/usr_x", undefined],
      ["PATCH", "/api/v1/accounts/usr_x", { role: "admin" }],
    ] as const;

    test.each(routes)(
      "%s %s: anonymous 401, customer and staff 403, nothing created",
      async (method, path, body) => {
        const anonymous = await t.call(method, path, { body });
        expect(anonymous.status).toBe(401);
        for (const role of ["customer", "staff"] as const) {
          const caller = await t.signIn(role);
          const res = await t.call(method, path, { body, headers: caller.headers });
          expect(res.status).toBe(403);
          expect(res.headers.get("Content-Type")).toBe("application/problem+json");
        }
        expect(await t.services.accounts.findByEmail(NEVER)).toBeUndefined();
      },
    );

    test("a staff member cannot promote themselves", async () => {
      const staff = await t.signIn("staff");
      const res = await t.call("PATCH", `/api/v1/accounts/${staff.id}`, {
        headers: staff.headers,
        body: { role: "admin" },
      });
      expect(res.status).toBe(403);
      expect((await t.services.accounts.findById(staff.id))?.role).toBe("staff");
    });
  });

  describe("POST /accounts", () => {
    test("an admin adds a staff member who can then sign in as staff; it is audited", async () => {
      const res = await t.call("POST", "/api/v1/accounts", { headers: admin.headers, body: newStaff() });
      expect(res.status).toBe(201);
      const account = AccountSchema.parse(await res.json());
      expect(account).toMatchObject({
        email: sam,
        role: "staff",
        name: "Sam Ward",
        disabled: false,
        signIn: "password",
      });
      expect(account.id).toStartWith("usr_");
      expect(res.headers.get("Location")).toBe(`/api/v1/accounts/${account.id}`);

      const login = await t.call("POST", "/api/v1/auth/login", {
        body: { email: sam, password: PASSWORD },
      });
      expect(login.status).toBe(200);
      expect((await login.json()).account.role).toBe("staff");

      expect(await auditOf(account.id)).toEqual([
        expect.objectContaining({ actorId: admin.id, action: "account.created", detail: { role: "staff" } }),
      ]);
    });

    test("an admin adds another admin", async () => {
      const res = await t.call("POST", "/api/v1/accounts", {
        headers: admin.headers,
        body: newStaff({ role: "admin" }),
      });
      expect(res.status).toBe(201);
      expect((await res.json()).role).toBe("admin");
    });

    test("a taken e-mail (in any case) is a 409 and changes nothing", async () => {
      const customer = await t.signIn("customer", sam);
      const res = await t.call("POST", "/api/v1/accounts", {
        headers: admin.headers,
        body: newStaff({ email: sam.replace("sam", "SAM") }),
      });
      expect(res.status).toBe(409);
      expect((await res.json()).errors).toEqual([
        { path: "email", message: "is already used by another account" },
      ]);
      expect((await t.services.accounts.findById(customer.id))?.role).toBe("customer");
    });

    test.each([
      ["a customer role", { role: "customer" }, "role"],
      ["no role", { role: undefined }, "role"],
      ["a short password", { password: "short" }, "password"],
      ["no password", { password: undefined }, "password"],
      ["a bad e-mail", { email: "sam" }, "email"],
      ["an unknown field", { disabled: true }, "(root)"],
    ])("refuses %s with 422", async (_what, overrides, path) => {
      const res = await t.call("POST", "/api/v1/accounts", {
        headers: admin.headers,
        body: newStaff(overrides),
      });
      expect(res.status).toBe(422);
      expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await t.services.accounts.findByEmail(sam)).toBeUndefined();
    });
  });

  describe("GET /accounts/{id}", () => {
    test("reads one account, 404 for an unknown id", async () => {
      const pat = unique("pat");
      const staff = await t.signIn("staff", pat);
      const res = await t.call("GET", `/api/v1/accounts/${staff.id}`, { headers: admin.headers });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: staff.id, email: pat, role: "staff" });
      expect((await t.call("GET", "/api/v1/accounts/usr_nobody", { headers: admin.headers })).status).toBe(
        404,
      );
    });
  });

  describe("PATCH /accounts/{id}", () => {
    test("changes the role at once: the old token no longer carries the old powers", async () => {
      const staff = await t.signIn("staff");
      const spirit = { name: "X" };
      // As staff, creating a spirit gets past the role check (422 for the thin body, not 403).
      expect((await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body: spirit })).status).toBe(
        422,
      );

      const res = await t.call("PATCH", `/api/v1/accounts/${staff.id}`, {
        headers: admin.headers,
        body: { role: "customer" },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).role).toBe("customer");
      expect((await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body: spirit })).status).toBe(
        403,
      );

      expect(await auditOf(staff.id)).toEqual([
        expect.objectContaining({
          actorId: admin.id,
          action: "account.updated",
          detail: { role: { from: "staff", to: "customer" } },
        }),
      ]);
    });

    test("disables and enables an account; its tokens stop and start working", async () => {
      const staff = await t.signIn("staff");
      const disable = await t.call("PATCH", `/api/v1/accounts/${staff.id}`, {
        headers: admin.headers,
        body: { disabled: true },
      });
      expect(disable.status).toBe(200);
      expect((await disable.json()).disabled).toBe(true);
      expect((await t.call("GET", "/api/v1/customers/me", { headers: staff.headers })).status).toBe(401);

      await t.call("PATCH", `/api/v1/accounts/${staff.id}`, {
        headers: admin.headers,
        body: { disabled: false },
      });
      expect((await t.call("GET", "/api/v1/customers/me", { headers: staff.headers })).status).toBe(200);
      expect((await auditOf(staff.id)).map((a) => a.detail)).toEqual([
        { disabled: { from: false, to: true } },
        { disabled: { from: true, to: false } },
      ]);
    });

    test("a change to what is already there writes nothing", async () => {
      const staff = await t.signIn("staff");
      const before = await t.services.accounts.findById(staff.id);
      await letTimePass(t, 60_000);
      const res = await t.call("PATCH", `/api/v1/accounts/${staff.id}`, {
        headers: admin.headers,
        body: { role: "staff", disabled: false },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).updatedAt).toBe(before!.updatedAt);
      expect(await auditOf(staff.id)).toEqual([]);
    });

    test("an admin cannot demote or disable themselves", async () => {
      for (const body of [{ role: "staff" }, { disabled: true }]) {
        const res = await t.call("PATCH", `/api/v1/accounts/${admin.id}`, { headers: admin.headers, body });
        expect(res.status).toBe(403);
      }
      const row = await t.deps.db.query.accounts.findFirst({ where: eq(accounts.id, admin.id) });
      expect(row).toMatchObject({ role: "admin", disabled: false });
    });

    test("an unknown account is 404", async () => {
      const res = await t.call("PATCH", "/api/v1/accounts/usr_nobody", {
        headers: admin.headers,
        body: { role: "staff" },
      });
      expect(res.status).toBe(404);
    });

    test.each([
      ["an empty patch", {}, "(root)"],
      ["an unknown role", { role: "owner" }, "role"],
      ["disabled that is not a boolean", { disabled: "yes" }, "disabled"],
      ["an e-mail change", { email: "x@example.com" }, "(root)"],
    ])("refuses %s with 422", async (_what, body, path) => {
      const staff = await t.signIn("staff");
      const res = await t.call("PATCH", `/api/v1/accounts/${staff.id}`, { headers: admin.headers, body });
      expect(res.status).toBe(422);
      expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(path);
    });
  });
});

describeTargets("listing accounts", (t) => {
  let admin: Caller;
  beforeAll(async () => {
    admin = await t.signIn("admin", "root@shop.example");
  });

  test("lists newest first, filters by role, and pages with a cursor", async () => {
    for (let i = 0; i < 3; i++) {
      await letTimePass(t, 1000);
      await t.call("POST", "/api/v1/accounts", {
        headers: admin.headers,
        body: newStaff({ email: `staff${i}@shop.example` }),
      });
    }
    await letTimePass(t, 1000);
    await t.signIn("customer", "cus@example.com");

    const all = AccountListSchema.parse(
      await (await t.call("GET", "/api/v1/accounts", { headers: admin.headers })).json(),
    );
    expect(all.items.map((a) => a.email)).toEqual([
      "cus@example.com",
      "staff2@shop.example",
      "staff1@shop.example",
      "staff0@shop.example",
      "root@shop.example",
    ]);
    expect(all.nextCursor).toBeNull();

    const first = await (
      await t.call("GET", "/api/v1/accounts?role=staff&limit=2", { headers: admin.headers })
    ).json();
    expect(first.items.map((a: { email: string }) => a.email)).toEqual([
      "staff2@shop.example",
      "staff1@shop.example",
    ]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await (
      await t.call("GET", `/api/v1/accounts?role=staff&limit=2&cursor=${first.nextCursor}`, {
        headers: admin.headers,
      })
    ).json();
    expect(second.items.map((a: { email: string }) => a.email)).toEqual(["staff0@shop.example"]);
    expect(second.nextCursor).toBeNull();

    const customers = await (
      await t.call("GET", "/api/v1/accounts?role=customer", { headers: admin.headers })
    ).json();
    expect(customers.items.map((a: { email: string }) => a.email)).toEqual(["cus@example.com"]);
    expect(customers.items[0].signIn).toBe("token-only");
  });

  test.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=two", "limit"],
    ["role=owner", "role"],
    ["cursor=not-a-cursor", "cursor"],
  ])("refuses ?%s with 422", async (query, path) => {
    const res = await t.call("GET", `/api/v1/accounts?${query}`, { headers: admin.headers });
    expect(res.status).toBe(422);
    expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});
