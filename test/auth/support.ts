import type { Mailer, MailMessage } from "../../src/deps.ts";
import { createTestApp, type TestAppOptions, TestClock } from "../support/test-app.ts";

/** The one thing we mock: e-mail leaves the machine, so tests keep what would have been sent. */
export function createMailbox(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
    },
  };
}

/**
 * A test app whose mail lands in `mailbox` and whose callers are told apart by an `X-Test-Client`
 * header (in-process requests have no address), so per-client limits can be tested.
 */
export async function createAuthTestApp(options: TestAppOptions = {}) {
  const mailbox = createMailbox();
  const clock = new TestClock();
  const t = await createTestApp({
    clock,
    ...options,
    deps: {
      mailer: mailbox,
      clientAddress: (request) => request.headers.get("X-Test-Client") ?? undefined,
      ...options.deps,
    },
  });
  return { ...t, clock, mailbox };
}

export const PASSWORD = "correct horse battery staple";

/** Registers a customer through the API and signs in; answers the login body. */
export async function registerAndLogin(
  t: Awaited<ReturnType<typeof createAuthTestApp>>,
  email: string,
  password = PASSWORD,
) {
  const reg = await t.call("POST", "/api/v1/auth/register", { body: { email, password } });
  if (reg.status !== 202) throw new Error(`register answered ${reg.status}: ${await reg.text()}`);
  const res = await t.call("POST", "/api/v1/auth/login", { body: { email, password } });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as {
    accessToken: string;
    refreshToken: string;
    refreshExpiresAt: string;
    expiresIn: number;
    account: { id: string; email: string; role: string };
  };
}
