/** Rows of the accounts table: creating one (with its customer profile) and finding one. */
import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { newId } from "../../db/ids.ts";
import { accounts, customers, type Role } from "../../db/schema/accounts.ts";
import { canonicalEmail } from "../../db/schema/email-canonical.ts";
import type { AccountsContext } from "./accounts.context.ts";

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export type NewAccount = {
  email: string;
  password?: string;
  role: Role;
  name?: string;
  externalSubject?: string;
  emailVerified?: boolean;
};

/**
 * Every account has a customer profile under the same id (staff have wishlists too). With `actorId`,
 * the creation is audited in the same atomic batch. A taken e-mail throws the database's own error;
 * callers that can say so more kindly check `isUniqueViolation(err, "accounts.email")`.
 */
export async function createAccount(
  { deps, audit }: AccountsContext,
  input: NewAccount,
  options: { actorId?: string } = {},
) {
  const { db, clock } = deps;
  const now = clock.now().toISOString();
  const id = newId(input.role === "customer" ? "cus" : "usr");
  const email = normaliseEmail(input.email);
  const passwordHash = input.password ? await deps.passwords.hash(input.password) : null;
  const statements: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    db.insert(accounts).values({
      id,
      email,
      passwordHash,
      role: input.role,
      externalSubject: input.externalSubject ?? null,
      emailVerified: input.emailVerified ?? false,
      createdAt: now,
      updatedAt: now,
    }),
    db
      .insert(customers)
      .values({ id, name: input.name ?? "", preferences: {}, createdAt: now, updatedAt: now }),
  ];
  if (options.actorId) {
    statements.push(
      audit.entry({
        actorId: options.actorId,
        action: "account.created",
        subject: id,
        detail: { role: input.role },
      }),
    );
  }
  await db.batch(statements);
  return { id, email, role: input.role };
}

/** The account of the mailbox: `Ada@Example.com`, and for Gmail `a.da+shop@gmail.com`, find `ada@…`'s. */
export async function findByEmail({ deps }: AccountsContext, email: string) {
  return deps.db.query.accounts.findFirst({ where: eq(accounts.emailCanonical, canonicalEmail(email)) });
}

export async function findById({ deps }: AccountsContext, id: string) {
  return deps.db.query.accounts.findFirst({ where: eq(accounts.id, id) });
}
