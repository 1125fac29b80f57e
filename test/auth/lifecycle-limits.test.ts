/**
 * What the lifecycle routes guard against, on Bun (a test clock, and callers told apart by X-Test-Client):
 * rate limits on the mail-sending and password-confirming routes, the configured link lifetimes, one use
 * of a link under a race, and links kept out of production logs.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accounts } from "../../src/db/schema/accounts.ts";
import { logMailer } from "../../src/deps.ts";
import { createAuthTestApp } from "./support.ts";

const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new passphrase 42";

type T = Awaited<ReturnType<typeof createAuthTestApp>>;
let t: T;
beforeEach(async () => {
  t = await createAuthTestApp({ env: { PASSWORD_RESET_TTL: "30m", EMAIL_VERIFICATION_TTL: "2h" } });
});
afterEach(() => t.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}, client = "client-a") =>
  t.call("POST", `/api/v1${path}`, { body, headers: { "X-Test-Client": client, ...headers } });

async function customer(email = "ada@example.com") {
  const { id } = await t.services.accounts.createAccount({ email, password: PASSWORD, role: "customer" });
  const res = await post("/auth/login", { email, password: PASSWORD });
  const body = (await res.json()) as { accessToken: string };
  return { id, email, headers: { Authorization: `Bearer ${body.accessToken}` } };
}

const tokenOf = (subject: string) => {
  const mail = [...t.mailbox.sent].reverse().find((m) => m.subject === subject);
  const token = mail && /\?token=([\w-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no mail "${subject}" with a link`);
  return token;
};

describe("rate limits", () => {
  test("reset requests: 3 per address (registered or not, any spelling of the mailbox), then 429", async () => {
    await customer("ada@gmail.com");
    const spellings = ["ada@gmail.com", "A.da@gmail.com", "ada+x@googlemail.com"];
    for (const [i, email] of spellings.entries()) {
      expect((await post("/auth/password-reset", { email }, {}, `c${i}`)).status).toBe(202);
    }
    const refused = await post("/auth/password-reset", { email: "ADA@gmail.com" }, {}, "c9");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { code: string }).code).toBe("too-many-attempts");

    // An address without an account is limited the same way, so a 429 tells nothing either.
    for (let i = 0; i < 3; i++) {
      expect((await post("/auth/password-reset", { email: "nobody@example.com" }, {}, `d${i}`)).status).toBe(
        202,
      );
    }
    expect((await post("/auth/password-reset", { email: "nobody@example.com" }, {}, "d9")).status).toBe(429);
    t.clock.advance(20 * 60_000 + 1000);
    expect((await post("/auth/password-reset", { email: "nobody@example.com" }, {}, "d9")).status).toBe(202);
  });

  test("reset requests: 10 per client for any addresses, then 429; other clients go on", async () => {
    for (let i = 0; i < 10; i++) {
      expect((await post("/auth/password-reset", { email: `u${i}@example.com` })).status).toBe(202);
    }
    expect((await post("/auth/password-reset", { email: "u10@example.com" })).status).toBe(429);
    expect((await post("/auth/password-reset", { email: "u10@example.com" }, {}, "client-b")).status).toBe(
      202,
    );
  });

  test("verification mails: 3 per account, then 429", async () => {
    const ada = await customer();
    for (let i = 0; i < 3; i++)
      expect((await post("/auth/verify-email/resend", {}, ada.headers)).status).toBe(202);
    expect((await post("/auth/verify-email/resend", {}, ada.headers)).status).toBe(429);
    expect(t.mailbox.sent.filter((m) => m.subject === "Confirm your e-mail address").length).toBe(3);
  });

  test("5 wrong passwords to confirm a change, then 429 even with the right one; a success clears them", async () => {
    const ada = await customer();
    const change = (currentPassword: string) =>
      post("/auth/password", { currentPassword, newPassword: NEW_PASSWORD }, ada.headers);
    for (let i = 0; i < 5; i++) expect((await change(`wrong password ${i}`)).status).toBe(403);
    const blocked = await change(PASSWORD);
    expect(blocked.status).toBe(429);
    // The e-mail change shares the budget: it asks for the same password.
    expect(
      (await post("/auth/email", { password: PASSWORD, newEmail: "ada@new.example" }, ada.headers)).status,
    ).toBe(429);
    t.clock.advance(3 * 60_000 + 1000);
    expect((await change(PASSWORD)).status).toBe(200);
  });

  test("uses of e-mailed links: 20 per client, then 429", async () => {
    for (let i = 0; i < 20; i++) {
      expect((await post("/auth/verify-email", { token: `et_guess${i}` })).status).toBe(400);
    }
    expect((await post("/auth/verify-email", { token: "et_guess20" })).status).toBe(429);
    expect(
      (await post("/auth/password-reset/confirm", { token: "et_guess21", password: NEW_PASSWORD })).status,
    ).toBe(429);
    expect((await post("/auth/verify-email", { token: "et_guess22" }, {}, "client-b")).status).toBe(400);
  });
});

describe("link lifetimes come from the configuration", () => {
  test("a reset link works for PASSWORD_RESET_TTL and not a second longer", async () => {
    await customer();
    await post("/auth/password-reset", { email: "ada@example.com" });
    expect(t.mailbox.sent.at(-1)!.text).toContain("30 minutes");
    const token = tokenOf("Reset your Angel's Share password");
    t.clock.advance(30 * 60_000 + 1);
    const late = await post("/auth/password-reset/confirm", { token, password: NEW_PASSWORD });
    expect(late.status).toBe(400);
    expect(((await late.json()) as { detail: string }).detail).toContain("expired");

    await post("/auth/password-reset", { email: "ada@example.com" });
    const fresh = tokenOf("Reset your Angel's Share password");
    t.clock.advance(30 * 60_000 - 1000);
    expect(
      (await post("/auth/password-reset/confirm", { token: fresh, password: NEW_PASSWORD })).status,
    ).toBe(204);
  });

  test("a verification link works for EMAIL_VERIFICATION_TTL", async () => {
    await post("/auth/register", { email: "bea@example.com", password: PASSWORD });
    expect(t.mailbox.sent.at(-1)!.text).toContain("2 hours");
    const token = tokenOf("Welcome to Angel's Share");
    t.clock.advance(2 * 3_600_000 + 1);
    expect((await post("/auth/verify-email", { token })).status).toBe(400);
  });
});

describe("single use", () => {
  test("of two confirmations racing with one reset link, exactly one sets its password", async () => {
    await customer();
    await post("/auth/password-reset", { email: "ada@example.com" });
    const token = tokenOf("Reset your Angel's Share password");
    const passwords = ["first racing passphrase", "second racing passphrase"];
    const answers = await Promise.all(
      passwords.map((password) => post("/auth/password-reset/confirm", { token, password })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([204, 400]);
    const winner = passwords[answers.findIndex((r) => r.status === 204)]!;
    const signIn = (password: string) => post("/auth/login", { email: "ada@example.com", password });
    expect((await signIn(winner)).status).toBe(200);
    expect((await signIn(passwords.find((p) => p !== winner)!)).status).toBe(401);
  });

  test("a reset link sent before a change of address no longer resets the account", async () => {
    const ada = await customer();
    await post("/auth/password-reset", { email: ada.email });
    const reset = tokenOf("Reset your Angel's Share password");
    await post("/auth/email", { password: PASSWORD, newEmail: "ada@new.example" }, ada.headers);
    expect(
      (await post("/auth/verify-email", { token: tokenOf("Confirm your new e-mail address") })).status,
    ).toBe(200);
    expect(
      (await post("/auth/password-reset/confirm", { token: reset, password: NEW_PASSWORD })).status,
    ).toBe(400);
  });

  test("a newer reset link replaces the older one", async () => {
    await customer();
    await post("/auth/password-reset", { email: "ada@example.com" });
    const old = tokenOf("Reset your Angel's Share password");
    await post("/auth/password-reset", { email: "ada@example.com" });
    expect((await post("/auth/password-reset/confirm", { token: old, password: NEW_PASSWORD })).status).toBe(
      400,
    );
    const newest = tokenOf("Reset your Angel's Share password");
    expect(
      (await post("/auth/password-reset/confirm", { token: newest, password: NEW_PASSWORD })).status,
    ).toBe(204);
  });

  test("a reset link of a disabled account is refused (403) and changes nothing", async () => {
    const ada = await customer();
    await post("/auth/password-reset", { email: ada.email });
    const token = tokenOf("Reset your Angel's Share password");
    await t.deps.db.update(accounts).set({ disabled: true }).where(eq(accounts.id, ada.id));
    const res = await post("/auth/password-reset/confirm", { token, password: NEW_PASSWORD });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe("account-disabled");
  });
});

describe("sign-out everywhere and the token generation", () => {
  test("a token minted before, even by the token CLI's path (no gen claim), is refused after", async () => {
    const ada = await customer();
    const minted = await t.services.tokens.issueAccessToken(ada.id, "customer", ada.email);
    const headers = { Authorization: `Bearer ${minted.token}` };
    expect((await t.call("GET", "/api/v1/customers/me", { headers })).status).toBe(200);
    expect((await post("/auth/logout-all", {}, ada.headers)).status).toBe(204);
    const res = await t.call("GET", "/api/v1/customers/me", { headers });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toContain("sessions were ended");
    const row = await t.deps.db.query.accounts.findFirst({ where: eq(accounts.id, ada.id) });
    expect(row!.tokenGeneration).toBe(1);
  });
});

describe("mail", () => {
  test("a failing mailer changes no answer", async () => {
    await customer();
    t.mailbox.send = async () => {
      throw new Error("SMTP down");
    };
    expect((await post("/auth/password-reset", { email: "ada@example.com" })).status).toBe(202);
    expect((await post("/auth/password-reset", { email: "nobody@example.com" })).status).toBe(202);
  });

  test("the log mailer keeps link tokens out of production logs", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = { log: (_level: string, fields: Record<string, unknown>) => void lines.push(fields) };
    const message = {
      to: "a@example.com",
      subject: "s",
      text: "Open https://shop.example/reset-password?token=et_secret now",
    };
    await logMailer(logger, { redactLinks: true }).send(message);
    await logMailer(logger).send(message);
    expect(lines[0]!.text).toBe("Open https://shop.example/reset-password?token=(redacted) now");
    expect(lines[1]!.text).toBe(message.text);
  });
});
