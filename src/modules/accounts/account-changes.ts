/** What admins change: new staff and admin accounts, roles, and the disabled flag. */
import { and, eq, isNull } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { isUniqueViolation } from "../../db/constraint-errors.ts";
import { accounts, refreshTokens } from "../../db/schema/accounts.ts";
import { DomainError } from "../../domain-error.ts";
import type { Principal } from "../../http/auth.ts";
import { createAccount, findByEmail, findById } from "./account-records.ts";
import { getAccount } from "./account-views.ts";
import type { AccountsContext } from "./accounts.context.ts";
import type { Account, AccountPatch, NewStaffAccount } from "./accounts.schemas.ts";
import { forgetCallersOf } from "./callers.ts";

const emailTaken = () =>
  new DomainError("email-taken", "An account with this e-mail already exists.", {
    errors: [{ path: "email", message: "is already used by another account" }],
  });

/** An admin adds a staff member or another admin; the e-mail must be free (409 otherwise). */
export async function createStaffAccount(
  ctx: AccountsContext,
  input: NewStaffAccount,
  actor: Principal,
): Promise<Account> {
  if (await findByEmail(ctx, input.email)) throw emailTaken();
  try {
    const created = await createAccount(ctx, input, { actorId: actor.id });
    return (await getAccount(ctx, created.id))!;
  } catch (err) {
    if (isUniqueViolation(err, "accounts.email")) throw emailTaken();
    throw err;
  }
}

/**
 * Changes the role or the disabled flag. An admin cannot demote or disable themselves, so an admin
 * never locks every admin out by accident. Disabling also ends the account's sessions (its refresh
 * tokens); its access tokens already stop at once, since every request looks the account up.
 */
export async function updateAccount(
  ctx: AccountsContext,
  id: string,
  patch: AccountPatch,
  actor: Principal,
): Promise<Account> {
  const { db, clock } = ctx.deps;
  const current = await findById(ctx, id);
  if (!current) throw new DomainError("not-found", `Account ${id} was not found.`);
  if (id === actor.id && ((patch.role && patch.role !== current.role) || patch.disabled === true)) {
    throw new DomainError("self-demotion", "Admins cannot demote or disable themselves: ask another admin.");
  }
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (patch.role !== undefined && patch.role !== current.role) {
    changes.role = { from: current.role, to: patch.role };
  }
  if (patch.disabled !== undefined && patch.disabled !== current.disabled) {
    changes.disabled = { from: current.disabled, to: patch.disabled };
  }
  if (Object.keys(changes).length === 0) return (await getAccount(ctx, id))!;

  const now = clock.now().toISOString();
  const statements: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    db
      .update(accounts)
      .set({
        role: patch.role ?? current.role,
        disabled: patch.disabled ?? current.disabled,
        updatedAt: now,
      })
      .where(eq(accounts.id, id)),
    ctx.audit.entry({ actorId: actor.id, action: "account.updated", subject: id, detail: changes }),
  ];
  if (patch.disabled) {
    statements.push(
      db
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.accountId, id), isNull(refreshTokens.revokedAt))),
    );
  }
  await db.batch(statements);
  // Its access tokens stop (or change role) with the next request, not after the cache's few seconds.
  forgetCallersOf(ctx, id);
  return (await getAccount(ctx, id))!;
}
