/**
 * Authorization as one table: every operation of the published OpenAPI document is called as anonymous,
 * a customer, another customer, staff and an admin, and each answer is checked against the rule the
 * route declares beside itself (`x-access`, src/http/access.ts). A route without a rule fails here.
 *
 * Bodies are empty objects and queries are left out: an allowed caller may well get 404, 409 or 422, which
 * is fine; a refused caller must get 401 (anonymous) or 403 / 404 (another's resource), never anything that
 * ran. Destructive operations run last, so the fixtures stand while the rest are checked.
 */
import { beforeAll, expect, test } from "bun:test";
import { ACCESS_RULES, type Access } from "../../src/http/access.ts";
import { openShop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

type Operation = { method: string; path: string; access: Access | undefined };
type Who = "anonymous" | "customer" | "other" | "staff" | "admin";

const REVIEW = "Peat smoke and iodine up front, then smoked pear and sea salt. A long, drying finish.";

/**
 * Owner operations whose ownership check runs in the handler, after the body is validated: another customer
 * sending an invalid body gets 422 (which changes nothing and reveals nothing) instead of 404. Listed so
 * that no new one slips in; each should move its check before validation (the review's owner is known only
 * once the review is read).
 */
const OWNER_CHECKED_AFTER_VALIDATION = new Set(["PUT /api/v1/spirits/{id}/reviews/{reviewId}"]);

/** What each caller may get, by rule: "allowed" means neither 401 nor 403. */
function expected(rule: Access, who: Who, op: Operation): "allowed" | number[] {
  const ownsPath = /\{(id|reviewId)\}/.test(op.path) && rule === "owner";
  if (rule === "public") return "allowed";
  if (who === "anonymous") return [401];
  switch (rule) {
    case "customer":
      return who === "customer" || who === "other" ? "allowed" : [403];
    case "owner":
      if (who !== "other" || !ownsPath) return "allowed";
      return OWNER_CHECKED_AFTER_VALIDATION.has(`${op.method} ${op.path}`) ? [403, 404, 422] : [403, 404];
    case "self-or-admin":
      // Every such operation names its customer (`/customers/{id}/...`): the fixtures' customer.
      if (who === "customer" || who === "admin") return "allowed";
      return who === "other" ? [404] : [403];
    case "staff":
      return who === "staff" || who === "admin" ? "allowed" : [403];
    case "admin":
      return who === "admin" ? "allowed" : [403];
  }
}

describeTargets("authorization, every operation as every kind of caller", (t) => {
  let operations: Operation[];
  let params: Record<string, string>;
  let headersOf: Record<Who, Record<string, string>>;

  beforeAll(async () => {
    const doc = (await (await t.call("GET", "/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { "x-access"?: Access }>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        access: op["x-access"],
      })),
    );
    // Destructive operations last, so the fixtures stand while the rest are checked; the order is cancelled
    // before anyone confirms it (a confirmed order is staff's to cancel, which would hide the owner rule).
    // Signing out everywhere ends each caller's tokens, so it goes after everything else.
    const weight = (op: { method: string; path: string }) =>
      op.path.endsWith("/auth/logout-all")
        ? 3
        : op.method === "DELETE"
          ? 2
          : /\/(confirm|ship)$/.test(op.path) && !op.path.includes("/auth/")
            ? 1
            : 0;
    operations.sort((a, b) => weight(a) - weight(b));

    const shop = await openShop(t);
    const spiritId = await shop.spirit();
    const batchId = await shop.batch(spiritId);
    await shop.receive(spiritId, 5);
    const customer = await shop.customer();
    const other = await shop.customer();
    const admin = await t.signIn("admin");
    const order = (await (await shop.order(customer, [{ spiritId, quantity: 1 }])).json()) as { id: string };
    const review = await t.call("POST", `/api/v1/spirits/${spiritId}/reviews`, {
      headers: customer.headers,
      body: { rating: 4, body: REVIEW },
    });
    if (review.status !== 201) throw new Error(`review: ${review.status} ${await review.text()}`);
    const reviewId = ((await review.json()) as { id: string }).id;
    const location = (await (
      await t.call("GET", "/api/v1/locations", { headers: shop.staff.headers })
    ).json()) as {
      items: { id: string }[];
    };
    headersOf = {
      anonymous: {},
      customer: customer.headers,
      other: other.headers,
      staff: shop.staff.headers,
      admin: admin.headers,
    };
    params = {
      spiritId,
      batchId,
      reviewId,
      code: "US-UT",
      orders: order.id,
      customers: customer.id,
      spirits: spiritId,
      locations: location.items[0]!.id,
      accounts: shop.staff.id,
      audits: "aud_missing",
    };
  });

  /** The path with its parameters filled: `{id}` is the id of whatever the segment before it names. */
  function fill(path: string): string {
    return path.replace(/\{(\w+)\}/g, (_, name: string, offset: number) => {
      if (name !== "id") return params[name] ?? "x";
      const collection = path
        .slice(0, offset - 1)
        .split("/")
        .at(-1)!;
      return params[collection] ?? "x";
    });
  }

  test("every operation declares who may call it", () => {
    const undeclared = operations.filter((op) => !op.access || !ACCESS_RULES.includes(op.access));
    expect(undeclared.map((op) => `${op.method} ${op.path}`)).toEqual([]);
    expect(operations.length).toBeGreaterThan(50);
  });

  test("each caller gets what the rule says, on every operation", async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      if (!op.access) continue;
      // Refused callers first: a refusal must change nothing that the allowed calls after it would see.
      for (const who of ["anonymous", "other", "customer", "staff", "admin"] as const) {
        const hasBody = ["POST", "PUT", "PATCH"].includes(op.method);
        const res = await t.call(op.method, fill(op.path), {
          headers: headersOf[who],
          ...(hasBody ? { body: {} } : {}),
        });
        await res.body?.cancel(); // the SSE stream never ends by itself
        const want = expected(op.access, who, op);
        const ok = want === "allowed" ? res.status !== 401 && res.status !== 403 : want.includes(res.status);
        if (!ok) wrong.push(`${op.method} ${op.path} as ${who}: ${res.status}, expected ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
