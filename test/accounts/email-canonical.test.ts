/**
 * One account per mailbox rests on one rule in two forms: canonicalEmail (look-ups) and the generated
 * column accounts.email_canonical (the unique index). They must agree, on crafted and random addresses.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accounts } from "../../src/db/schema/accounts.ts";
import { canonicalEmail, canonicalEmailSql, PLUS_TAG_DOMAINS } from "../../src/db/schema/email-canonical.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const CASES: [string, string][] = [
  ["Ada@Example.com", "ada@example.com"],
  [" ada@example.com ", "ada@example.com"],
  ["a.d.a@gmail.com", "ada@gmail.com"],
  ["A.Da+drops@GoogleMail.com", "ada@gmail.com"],
  ["ada+drops@outlook.com", "ada@outlook.com"],
  ["a.da+x@outlook.com", "a.da@outlook.com"],
  ["ada+drops@example.com", "ada+drops@example.com"],
  ["a.da@example.com", "a.da@example.com"],
  ["+ada@gmail.com", "+ada@gmail.com"],
  ["ada+@fastmail.com", "ada@fastmail.com"],
  ["ada+a+b@icloud.com", "ada@icloud.com"],
  ["no-at-sign", "no-at-sign"],
];

async function inSql(email: string): Promise<string> {
  const rs = await t.deps.client.execute({
    sql: `WITH x(email) AS (VALUES (?)) SELECT ${canonicalEmailSql("email")} AS c FROM x`,
    args: [email],
  });
  return String(rs.rows[0]!.c);
}

describe("the canonical mailbox of an address", () => {
  test.each(CASES)("%s is %s", async (email, canonical) => {
    expect(canonicalEmail(email)).toBe(canonical);
    expect(await inSql(email)).toBe(canonical);
  });

  test("the SQL form agrees with the TypeScript form on 500 random addresses", async () => {
    const parts = ["a", "B", ".", "+", "x", "-", "0", "_", "+tag"];
    const domains = [...PLUS_TAG_DOMAINS, "example.com", "GMAIL.COM", "Outlook.Com", "mail.example"];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) {
      const local = Array.from({ length: 1 + rand(8) }, () => parts[rand(parts.length)]).join("");
      const email = `${local}@${domains[rand(domains.length)]}`;
      expect(await inSql(email)).toBe(canonicalEmail(email));
    }
  });

  test("the stored column is the database's own: every writer gets it", async () => {
    const { id } = await t.services.accounts.createAccount({
      email: "Mrs.Ada+Shop@Gmail.com",
      role: "customer",
    });
    const row = await t.deps.db.query.accounts.findFirst({ where: eq(accounts.id, id) });
    expect(row!.email).toBe("mrs.ada+shop@gmail.com");
    expect(row!.emailCanonical).toBe("mrsada@gmail.com");
    expect((await t.services.accounts.findByEmail("mrsada@googlemail.com"))?.id).toBe(id);
  });
});
