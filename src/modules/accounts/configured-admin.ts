import { eq } from "drizzle-orm";
import { accounts } from "../../db/schema/accounts.ts";
import { createAccount, findByEmail } from "./account-records.ts";
import type { AccountsContext } from "./accounts.context.ts";
import { forgetCallersOf } from "./callers.ts";

/** Makes sure the configured admin exists with the configured password (kept in step at each start). */
export async function ensureAdmin(ctx: AccountsContext, email: string, password: string) {
  const existing = await findByEmail(ctx, email);
  // The operator wrote the address into the configuration: as good as verified.
  if (!existing) {
    return createAccount(ctx, { email, password, role: "admin", name: "Administrator", emailVerified: true });
  }
  const passwordHash = await ctx.deps.passwords.hash(password);
  await ctx.deps.db
    .update(accounts)
    .set({
      role: "admin",
      passwordHash,
      disabled: false,
      emailVerified: true,
      updatedAt: ctx.deps.clock.now().toISOString(),
    })
    .where(eq(accounts.id, existing.id));
  forgetCallersOf(ctx, existing.id);
  return { id: existing.id, email: existing.email, role: "admin" as const };
}
