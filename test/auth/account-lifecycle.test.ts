/**
 * The account's lifecycle through the HTTP API, on both targets: the address verified by an e-mailed link,
 * a password reset by link (no probing, single use, expiry, every session ended), a change of password and
 * of e-mail (the password asked again; the new address verified before it counts), signing out everywhere,
 * and one account per mailbox. Mail is the one thing faked: the Bun app's mailbox, the Worker's log lines.
 */
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accounts, accountTokens } from "../../src/db/schema/accounts.ts";
import { openShop } from "../orders/shop.ts";
import { describeTargets, type Target } from "../support/targets.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  customerWithPassword,
  freshEmail,
  linkOf,
  login,
  loginStatus,
  mailTo,
  meStatus,
  NEW_PASSWORD,
  PASSWORD,
  problemCode,
  refreshStatus,
  sentMails,
} from "./lifecycle-support.ts";
import { createMailbox } from "./support.ts";

const mailbox = createMailbox();
const BASE = "https://shop.example";

const verify = (t: Target, token: string) => t.call("POST", "/api/v1/auth/verify-email", { body: { token } });
const accountRow = async (t: Target, id: string) =>
  (await t.deps.db.query.accounts.findFirst({ where: eq(accounts.id, id) }))!;

describeTargets(
  "account lifecycle",
  (t) => {
    describe("e-mail verification", () => {
      test("the welcome mail's link verifies the address, once; only its hash is stored", async () => {
        const email = freshEmail();
        const reg = await t.call("POST", "/api/v1/auth/register", { body: { email, password: PASSWORD } });
        expect(reg.status).toBe(202);
        const welcome = await mailTo(t, mailbox, email, "Welcome to Angel's Share");
        const { url, token } = linkOf(welcome);
        expect(url.startsWith(`${BASE}/verify-email?token=et_`)).toBe(true);

        const before = await login(t, email);
        const me = await t.call("GET", "/api/v1/customers/me", { headers: before.headers });
        const profile = (await me.json()) as { id: string; emailVerified: boolean };
        expect(profile.emailVerified).toBe(false);
        const stored = await t.deps.db.query.accountTokens.findMany({
          where: eq(accountTokens.accountId, profile.id),
        });
        expect(stored.length).toBe(1);
        expect(stored[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(stored)).not.toContain(token);

        const res = await verify(t, token);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ email, emailVerified: true });
        const after = await t.call("GET", "/api/v1/customers/me", { headers: before.headers });
        expect(((await after.json()) as { emailVerified: boolean }).emailVerified).toBe(true);
        const signedIn = await t.call("POST", "/api/v1/auth/login", { body: { email, password: PASSWORD } });
        expect(
          ((await signedIn.json()) as { account: { emailVerified: boolean } }).account.emailVerified,
        ).toBe(true);

        const again = await verify(t, token);
        expect(again.status).toBe(400);
        expect(await problemCode(again)).toBe("invalid-email-token");
      });

      test("a resent link replaces the old one; once verified there is nothing to resend", async () => {
        const ada = await customerWithPassword(t);
        const session = await login(t, ada.email);
        const resend = () => t.call("POST", "/api/v1/auth/verify-email/resend", { headers: session.headers });
        const first = await resend();
        expect(first.status).toBe(202);
        const sent = (await first.json()) as { status: string; email: string; expiresAt: string };
        expect(sent).toMatchObject({ status: "sent", email: ada.email });
        const old = linkOf(await mailTo(t, mailbox, ada.email, "Confirm your e-mail address")).token;
        expect((await resend()).status).toBe(202);
        const newest = await waitForNewLink(t, ada.email, old);

        const stale = await verify(t, old);
        expect(stale.status).toBe(400);
        expect(await problemCode(stale)).toBe("invalid-email-token");
        expect((await verify(t, newest)).status).toBe(200);
        expect((await accountRow(t, ada.id)).emailVerified).toBe(true);

        const done = await resend();
        expect(done.status).toBe(409);
        expect((await t.call("POST", "/api/v1/auth/verify-email/resend")).status).toBe(401);
      });

      test("an expired link is refused and verifies nothing", async () => {
        const ada = await customerWithPassword(t);
        const session = await login(t, ada.email);
        await t.call("POST", "/api/v1/auth/verify-email/resend", { headers: session.headers });
        const { token } = linkOf(await mailTo(t, mailbox, ada.email, "Confirm your e-mail address"));
        const past = new Date(t.deps.clock.now().getTime() - 1000).toISOString();
        await t.deps.db
          .update(accountTokens)
          .set({ expiresAt: past })
          .where(eq(accountTokens.accountId, ada.id));
        const res = await verify(t, token);
        expect(res.status).toBe(400);
        expect(await problemCode(res)).toBe("invalid-email-token");
        expect((await accountRow(t, ada.id)).emailVerified).toBe(false);
      });

      test("an unknown token is 400, a missing one 422", async () => {
        const unknown = await verify(t, "et_not-a-token-we-sent");
        expect(unknown.status).toBe(400);
        expect(await problemCode(unknown)).toBe("invalid-email-token");
        expect((await t.call("POST", "/api/v1/auth/verify-email", { body: {} })).status).toBe(422);
      });

      test("a release that requires a verified e-mail admits the customer once the link is opened", async () => {
        const shop = await openShop(t);
        const spiritId = await shop.spirit();
        const hour = 3_600_000;
        const now = t.deps.clock.now().getTime();
        const created = await t.call("POST", "/api/v1/releases", {
          headers: shop.staff.headers,
          body: {
            spiritId,
            name: "Verified only",
            mode: "first_come",
            allocation: 1,
            opensAt: new Date(now - hour).toISOString(),
            closesAt: new Date(now + hour).toISOString(),
            eligibility: { requireVerifiedEmail: true },
          },
        });
        expect(created.status).toBe(201);
        const releaseId = ((await created.json()) as { id: string }).id;
        const ada = await customerWithPassword(t);
        const session = await login(t, ada.email);
        const eligibility = async () =>
          (await (
            await t.call("GET", `/api/v1/releases/${releaseId}/eligibility`, { headers: session.headers })
          ).json()) as { eligible: boolean; rule: string | null };
        expect(await eligibility()).toMatchObject({ eligible: false, rule: "requireVerifiedEmail" });
        await t.call("POST", "/api/v1/auth/verify-email/resend", { headers: session.headers });
        const { token } = linkOf(await mailTo(t, mailbox, ada.email, "Confirm your e-mail address"));
        expect((await verify(t, token)).status).toBe(200);
        expect(await eligibility()).toMatchObject({ eligible: true, rule: null });
      });
    });

    describe("password reset", () => {
      const ask = (email: string) => t.call("POST", "/api/v1/auth/password-reset", { body: { email } });
      const confirm = (token: string, password = NEW_PASSWORD) =>
        t.call("POST", "/api/v1/auth/password-reset/confirm", { body: { token, password } });

      test("the same answer for an address with and without an account; each hears by mail", async () => {
        const ada = await customerWithPassword(t);
        const nobody = freshEmail("nobody");
        const known = await ask(ada.email);
        const unknown = await ask(nobody);
        expect(known.status).toBe(202);
        expect(unknown.status).toBe(known.status);
        expect(await unknown.text()).toBe(await known.text());
        expect(unknown.headers.get("Content-Type")).toBe(known.headers.get("Content-Type"));
        const link = linkOf(await mailTo(t, mailbox, ada.email, "Reset your Angel's Share password"));
        expect(link.url.startsWith(`${BASE}/reset-password?token=et_`)).toBe(true);
        const told = await mailTo(t, mailbox, nobody, "Reset your Angel's Share password");
        expect(told.text).toContain("no account has it");
        expect(told.text).not.toContain("token=");
      });

      test("the link sets a new password once and ends every session", async () => {
        const ada = await customerWithPassword(t);
        const session = await login(t, ada.email);
        expect((await ask(ada.email)).status).toBe(202);
        const { token } = linkOf(await mailTo(t, mailbox, ada.email, "Reset your Angel's Share password"));

        const weak = await confirm(token, "short");
        expect(weak.status).toBe(422);
        const done = await confirm(token);
        expect(done.status).toBe(204);

        expect(await refreshStatus(t, session.refreshToken)).toBe(401);
        expect(await meStatus(t, session.headers)).toBe(401);
        expect(await loginStatus(t, ada.email, PASSWORD)).toBe(401);
        expect(await loginStatus(t, ada.email, NEW_PASSWORD)).toBe(200);
        // Opening the link proved the address.
        expect((await accountRow(t, ada.id)).emailVerified).toBe(true);
        await mailTo(t, mailbox, ada.email, "Your Angel's Share password was changed");

        const again = await confirm(token, "yet another long passphrase");
        expect(again.status).toBe(400);
        expect(await problemCode(again)).toBe("invalid-email-token");
        expect(await loginStatus(t, ada.email, NEW_PASSWORD)).toBe(200);
      });

      test("an expired reset link changes nothing", async () => {
        const ada = await customerWithPassword(t);
        expect((await ask(ada.email)).status).toBe(202);
        const { token } = linkOf(await mailTo(t, mailbox, ada.email, "Reset your Angel's Share password"));
        const past = new Date(t.deps.clock.now().getTime() - 1000).toISOString();
        await t.deps.db
          .update(accountTokens)
          .set({ expiresAt: past })
          .where(eq(accountTokens.accountId, ada.id));
        const res = await confirm(token);
        expect(res.status).toBe(400);
        expect(await problemCode(res)).toBe("invalid-email-token");
        expect(await loginStatus(t, ada.email, PASSWORD)).toBe(200);
      });
    });

    describe("change of password", () => {
      const change = (headers: Record<string, string>, currentPassword: string, newPassword = NEW_PASSWORD) =>
        t.call("POST", "/api/v1/auth/password", { headers, body: { currentPassword, newPassword } });

      test("needs the current password", async () => {
        const ada = await customerWithPassword(t);
        const session = await login(t, ada.email);
        const wrong = await change(session.headers, "not my password at all");
        expect(wrong.status).toBe(403);
        expect(await problemCode(wrong)).toBe("wrong-password");
        expect(await loginStatus(t, ada.email, PASSWORD)).toBe(200);
        expect((await change({}, PASSWORD)).status).toBe(401);
      });

      test("ends every other session and answers a new one", async () => {
        const ada = await customerWithPassword(t);
        const here = await login(t, ada.email);
        const elsewhere = await login(t, ada.email);
        const res = await change(here.headers, PASSWORD);
        expect(res.status).toBe(200);
        expect(res.headers.get("Cache-Control")).toBe("no-store");
        const fresh = (await res.json()) as { accessToken: string; refreshToken: string };

        for (const old of [here, elsewhere]) {
          expect(await meStatus(t, old.headers)).toBe(401);
          expect(await refreshStatus(t, old.refreshToken)).toBe(401);
        }
        expect(await meStatus(t, { Authorization: `Bearer ${fresh.accessToken}` })).toBe(200);
        expect(await refreshStatus(t, fresh.refreshToken)).toBe(200);
        expect(await loginStatus(t, ada.email, PASSWORD)).toBe(401);
        expect(await loginStatus(t, ada.email, NEW_PASSWORD)).toBe(200);
        await mailTo(t, mailbox, ada.email, "Your Angel's Share password was changed");
      });
    });

    describe("change of e-mail", () => {
      const change = (headers: Record<string, string>, password: string, newEmail: string) =>
        t.call("POST", "/api/v1/auth/email", { headers, body: { password, newEmail } });

      test("the new address counts only once its link is opened; the old one is told twice", async () => {
        const ada = await customerWithPassword(t);
        const session = await login(t, ada.email);
        const next = freshEmail("ada-new");

        const wrong = await change(session.headers, "not my password at all", next);
        expect(wrong.status).toBe(403);
        expect(await problemCode(wrong)).toBe("wrong-password");

        const res = await change(session.headers, PASSWORD, next.toUpperCase());
        expect(res.status).toBe(202);
        expect((await res.json()) as { status: string; email: string }).toMatchObject({
          status: "pending",
          email: next,
        });
        const notice = await mailTo(t, mailbox, ada.email, "Your e-mail address is being changed");
        expect(notice.text).toContain(next);
        const { token } = linkOf(await mailTo(t, mailbox, next, "Confirm your new e-mail address"));

        // Nothing changed yet.
        expect(await loginStatus(t, ada.email)).toBe(200);
        expect(await loginStatus(t, next)).toBe(401);

        const done = await verify(t, token);
        expect(done.status).toBe(200);
        expect(await done.json()).toEqual({ email: next, emailVerified: true });
        expect(await loginStatus(t, next)).toBe(200);
        expect(await loginStatus(t, ada.email)).toBe(401);
        const me = await t.call("GET", "/api/v1/customers/me", { headers: session.headers });
        expect((await me.json()) as { email: string; emailVerified: boolean }).toMatchObject({
          email: next,
          emailVerified: true,
        });
        await mailTo(t, mailbox, ada.email, "Your e-mail address was changed");
        expect((await verify(t, token)).status).toBe(400);
      });

      test("an address another account has gets the same answer, and its owner a notice instead of a link", async () => {
        const ada = await customerWithPassword(t);
        const bea = await customerWithPassword(t, freshEmail("bea"));
        const session = await login(t, ada.email);
        const free = await change(session.headers, PASSWORD, freshEmail("free"));
        const taken = await change(session.headers, PASSWORD, bea.email);
        expect(taken.status).toBe(free.status);
        const strip = async (r: Response) => ({ ...((await r.json()) as object), email: "" });
        expect(await strip(taken)).toEqual(await strip(free));
        await mailTo(t, mailbox, bea.email, "Someone tried to use your e-mail address");
        expect(sentMails(t, mailbox).some((m) => m.to === bea.email && m.text.includes("token="))).toBe(
          false,
        );
        expect(await loginStatus(t, ada.email)).toBe(200);
      });

      test("the same address (in another case) is refused with 422", async () => {
        const ada = await customerWithPassword(t);
        const session = await login(t, ada.email);
        const res = await change(session.headers, PASSWORD, ada.email.toUpperCase());
        expect(res.status).toBe(422);
      });
    });

    describe("sign out everywhere", () => {
      test("every refresh token and every access token of the account stops working", async () => {
        const ada = await customerWithPassword(t);
        const here = await login(t, ada.email);
        const elsewhere = await login(t, ada.email);
        const other = await customerWithPassword(t, freshEmail("other"));
        const bystander = await login(t, other.email);

        const res = await t.call("POST", "/api/v1/auth/logout-all", { headers: here.headers });
        expect(res.status).toBe(204);
        for (const s of [here, elsewhere]) {
          expect(await meStatus(t, s.headers)).toBe(401);
          expect(await refreshStatus(t, s.refreshToken)).toBe(401);
        }
        // Another account is untouched, and this one signs in again as before.
        expect(await meStatus(t, bystander.headers)).toBe(200);
        const again = await login(t, ada.email);
        expect(await meStatus(t, again.headers)).toBe(200);
        expect((await t.call("POST", "/api/v1/auth/logout-all")).status).toBe(401);
      });
    });

    describe("one account per mailbox", () => {
      test("Gmail dots, +tags and case reach the same account; other providers keep + and dots", async () => {
        const local = `ada${Date.now()}`;
        const ada = await customerWithPassword(t, `${local}@gmail.com`);
        const before = await t.deps.db.$count(accounts);
        const alias = `${local.slice(0, 2)}.${local.slice(2)}+drops@GoogleMail.com`;
        const reg = await t.call("POST", "/api/v1/auth/register", {
          body: { email: alias, password: NEW_PASSWORD },
        });
        expect(reg.status).toBe(202);
        expect(await t.deps.db.$count(accounts)).toBe(before);
        await mailTo(t, mailbox, ada.email, "Someone tried to register with your e-mail address");
        // The alias signs in to the same account, with its password only.
        expect(await loginStatus(t, alias, PASSWORD)).toBe(200);
        expect(await loginStatus(t, alias, NEW_PASSWORD)).toBe(401);

        await expect(
          t.services.accounts.createAccount({ email: `${local}+x@gmail.com`, role: "customer" }),
        ).rejects.toThrow(/UNIQUE constraint failed: accounts\.email_canonical/);
        // Elsewhere a + or a dot may be a different mailbox: separate accounts.
        const elsewhere = `${local}@example.org`;
        await customerWithPassword(t, elsewhere);
        await customerWithPassword(t, `${local}+x@example.org`);
        await customerWithPassword(t, `${local.slice(0, 2)}.${local.slice(2)}@example.org`);
        await expect(
          t.services.accounts.createAccount({ email: elsewhere.toUpperCase(), role: "customer" }),
        ).rejects.toThrow(/UNIQUE constraint failed/);
      });
    });
  },
  {
    env: { PUBLIC_BASE_URL: `${BASE}/`, LOG_LEVEL: "info" },
    deps: { mailer: mailbox },
  },
);

/** Waits for a verification link other than `old` (a resend's). */
async function waitForNewLink(t: Target, to: string, old: string): Promise<string> {
  return waitFor(() =>
    sentMails(t, mailbox)
      .filter((m) => m.to === to && m.subject === "Confirm your e-mail address")
      .map((m) => linkOf(m).token)
      .find((token) => token !== old),
  );
}
