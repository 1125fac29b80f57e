import { eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { accounts, customers, type Role } from "../../db/schema/accounts.ts";
import type { Deps } from "../../deps.ts";
import type { Principal } from "../../http/auth.ts";
import { ProblemError } from "../../http/problem.ts";
import type { VerifiedToken } from "../../http/tokens.ts";

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function createAccountsService(deps: Deps) {
  const { db, clock } = deps;

  async function createAccount(input: {
    email: string;
    password?: string;
    role: Role;
    name?: string;
    externalSubject?: string;
  }) {
    const now = clock.now().toISOString();
    const id = newId(input.role === "customer" ? "cus" : "usr");
    const passwordHash = input.password ? await deps.passwords.hash(input.password) : null;
    await db.batch([
      db.insert(accounts).values({
        id,
        email: normaliseEmail(input.email),
        passwordHash,
        role: input.role,
        externalSubject: input.externalSubject ?? null,
        createdAt: now,
        updatedAt: now,
      }),
      db
        .insert(customers)
        .values({ id, name: input.name ?? "", preferences: {}, createdAt: now, updatedAt: now }),
    ]);
    return { id, email: normaliseEmail(input.email), role: input.role };
  }

  async function findByEmail(email: string) {
    return db.query.accounts.findFirst({ where: eq(accounts.email, normaliseEmail(email)) });
  }

  async function findById(id: string) {
    return db.query.accounts.findFirst({ where: eq(accounts.id, id) });
  }

  /**
   * Turns a verified token into the caller. Our own tokens name the account; an OIDC provider's name its
   * subject, which gets (once) an account of its own so orders and wishlists have an owner.
   */
  async function principalFor(token: VerifiedToken): Promise<Principal> {
    if (token.source === "local") {
      const account = await findById(token.subject);
      if (!account || account.disabled) throw new ProblemError(401, "The token's account no longer exists.");
      return { id: account.id, role: account.role, email: account.email };
    }
    const subject = `oidc:${token.subject}`;
    const existing = await db.query.accounts.findFirst({ where: eq(accounts.externalSubject, subject) });
    if (existing) {
      if (existing.disabled) throw new ProblemError(401, "The token's account is disabled.");
      return { id: existing.id, role: token.role, email: existing.email };
    }
    const created = await createAccount({
      email: token.email ?? `${token.subject}@oidc.invalid`,
      role: "customer",
      externalSubject: subject,
    });
    return { id: created.id, role: token.role, email: created.email };
  }

  /** Makes sure the configured admin exists with the configured password (kept in step at each start). */
  async function ensureAdmin(email: string, password: string) {
    const existing = await findByEmail(email);
    if (!existing) return createAccount({ email, password, role: "admin", name: "Administrator" });
    const passwordHash = await deps.passwords.hash(password);
    await db
      .update(accounts)
      .set({ role: "admin", passwordHash, disabled: false, updatedAt: clock.now().toISOString() })
      .where(eq(accounts.id, existing.id));
    return { id: existing.id, email: existing.email, role: "admin" as const };
  }

  return { createAccount, ensureAdmin, findByEmail, findById, principalFor };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
