import { expect } from "bun:test";
import type { MailMessage } from "../../src/deps.ts";
import type { Target } from "../support/targets.ts";
import { waitFor } from "../support/wait-for.ts";
import type { createMailbox } from "./support.ts";

export type Mailbox = ReturnType<typeof createMailbox>;

export const PASSWORD = "correct horse battery staple";
export const NEW_PASSWORD = "a brand new passphrase 42";

/**
 * Every mail the target sent, in order. On Bun the app's mailer is the test's mailbox; the Worker has no
 * mail transport, so its log mailer writes each message as a log line (`"msg":"mail"`), read back here.
 */
export function sentMails(t: Target, mailbox: Mailbox): MailMessage[] {
  if (t.name === "bun") return mailbox.sent;
  return t.worker!.logs.flatMap((line) => {
    try {
      const entry = JSON.parse(line.message) as Record<string, unknown>;
      return entry.msg === "mail"
        ? [{ to: String(entry.to), subject: String(entry.subject), text: String(entry.text) }]
        : [];
    } catch {
      return [];
    }
  });
}

/** The newest mail to `to` whose subject is `subject`, waiting for it (a Worker's log lines come late). */
export function mailTo(t: Target, mailbox: Mailbox, to: string, subject: string): Promise<MailMessage> {
  return waitFor(
    () => [...sentMails(t, mailbox)].reverse().find((m) => m.to === to && m.subject === subject),
    {
      what: `a mail "${subject}" to ${to}`,
    },
  );
}

/** The token of the mail's link (`…?token=…`), and the link itself. */
export function linkOf(mail: MailMessage): { url: string; token: string } {
  const match = /(https?:\/\/\S+\?token=([\w%-]+))/.exec(mail.text);
  if (!match) throw new Error(`no link in the mail "${mail.subject}": ${mail.text}`);
  return { url: match[1]!, token: decodeURIComponent(match[2]!) };
}

let n = 0;
export const freshEmail = (name = "ada") => `${name}-${++n}-${Date.now()}@example.com`;

/**
 * A customer with a password, made on the Bun side of the database (argon2id on Bun, PBKDF2 for the
 * Worker target): registering through the API is limited per client, and every Worker request is one client.
 */
export async function customerWithPassword(t: Target, email = freshEmail(), password = PASSWORD) {
  const account = await t.services.accounts.createAccount({ email, password, role: "customer", name: "Ada" });
  return { id: account.id, email: account.email, password };
}

export type Session = { accessToken: string; refreshToken: string; headers: Record<string, string> };

export async function login(t: Target, email: string, password = PASSWORD): Promise<Session> {
  const res = await t.call("POST", "/api/v1/auth/login", { body: { email, password } });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { accessToken: string; refreshToken: string };
  return { ...body, headers: { Authorization: `Bearer ${body.accessToken}` } };
}

export const loginStatus = async (t: Target, email: string, password = PASSWORD) =>
  (await t.call("POST", "/api/v1/auth/login", { body: { email, password } })).status;

export const refreshStatus = async (t: Target, refreshToken: string) =>
  (await t.call("POST", "/api/v1/auth/refresh", { body: { refreshToken } })).status;

export const meStatus = async (t: Target, headers: Record<string, string>) =>
  (await t.call("GET", "/api/v1/customers/me", { headers })).status;

/** The problem's code (RFC 9457 body), for assertions. */
export async function problemCode(res: Response): Promise<string> {
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return ((await res.json()) as { code: string }).code;
}
