import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

// The caller behind a token is remembered for a few seconds (src/modules/accounts/callers.ts, principalForToken):
// that must never keep a disabled account or an expired token working.
let t: TestApp;
const clock = new TestClock();
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t.close());

const me = (token: string) =>
  t.call("GET", "/api/v1/customers/me", { headers: { Authorization: `Bearer ${token}` } });

describe("principal cache", () => {
  test("an account disabled through the API is refused at its very next request", async () => {
    const admin = await t.signIn("admin");
    const customer = await t.signIn("customer");
    expect((await me(customer.token)).status).toBe(200); // now remembered
    const res = await t.call("PATCH", `/api/v1/accounts/${customer.id}`, {
      headers: admin.headers,
      body: { disabled: true },
    });
    expect(res.status).toBe(200);
    expect((await me(customer.token)).status).toBe(401);
  });

  test("a remembered token still expires on time", async () => {
    const customer = await t.signIn("customer");
    expect((await me(customer.token)).status).toBe(200);
    clock.advance(24 * 60 * 60 * 1000);
    const res = await me(customer.token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toContain("expired");
  });
});
