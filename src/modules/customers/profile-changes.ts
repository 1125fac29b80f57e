/**
 * Replacing and patching a customer's profile, under the rules a schema cannot check (profile-rules.ts).
 * Callers resolve `me` and check who may reach which customer (resolveCustomerId) before calling.
 */
import { eq } from "drizzle-orm";
import { customers } from "../../db/schema/accounts.ts";
import type { FieldIssue } from "../../domain-error.ts";
import { invalidFields } from "../../domain-error.ts";
import type { Principal } from "../../http/auth.ts";
import { type CustomersContext, signal } from "./customers.context.ts";
import type { Customer, CustomerPatch, CustomerReplace } from "./customers.schemas.ts";
import { mergedPreferences, type ProfileBody, patchedRegion, profileRuleErrors } from "./profile-rules.ts";
import { type CustomerRow, customerNotFound, loadCustomerRow, toCustomer } from "./profile-views.ts";

type Profile = Pick<Customer, "name" | "displayName" | "dateOfBirth" | "country" | "region" | "preferences">;

const today = ({ deps }: CustomersContext) => deps.clock.now().toISOString().slice(0, 10);

/**
 * The profile rules a schema cannot check (profile-rules.ts), over the body as sent: the route's
 * validation hook lists them beside the schema's errors when the body fails its schema.
 */
export async function profileProblems(
  ctx: CustomersContext,
  id: string,
  body: unknown,
  mode: "replace" | "patch",
): Promise<FieldIssue[]> {
  const row = await loadCustomerRow(ctx, id);
  if (!row || typeof body !== "object" || body === null) return [];
  return profileRuleErrors(toCustomer(row), body as ProfileBody, mode, today(ctx));
}

function checkRules(ctx: CustomersContext, current: Customer, input: ProfileBody, mode: "replace" | "patch") {
  const errors = profileRuleErrors(current, input, mode, today(ctx));
  if (errors.length) throw invalidFields(errors);
}

/** Writes the profile when anything changed (updatedAt and the audit log stay quiet otherwise). */
async function save(
  ctx: CustomersContext,
  row: CustomerRow,
  next: Profile,
  actor: Principal,
  action: string,
): Promise<Customer> {
  const { db, clock } = ctx.deps;
  const before = toCustomer(row);
  const changed = (Object.keys(next) as (keyof Profile)[]).filter(
    (k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(next[k] ?? null),
  );
  if (changed.length === 0) return before;
  const now = clock.now().toISOString();
  const update = db
    .update(customers)
    .set({ ...next, updatedAt: now })
    .where(eq(customers.id, row.customer.id));
  // Staff changing someone's personal data leaves a trail (field names only); a customer's own edits do not.
  if (actor.id !== row.customer.id) {
    await db.batch([
      update,
      ctx.ports.audit.entry({
        actorId: actor.id,
        action,
        subject: row.customer.id,
        detail: { fields: changed },
      }),
    ]);
  } else {
    await update;
  }
  if (changed.some((k) => ["preferences", "dateOfBirth", "country", "region"].includes(k))) {
    await signal(ctx, "a profile change", () => ctx.ports.signals?.profileChanged(row.customer.id));
  }
  return { ...before, ...next, updatedAt: now };
}

export async function replaceCustomer(
  ctx: CustomersContext,
  id: string,
  input: CustomerReplace,
  actor: Principal,
): Promise<Customer> {
  const row = await loadCustomerRow(ctx, id);
  if (!row) throw customerNotFound();
  checkRules(ctx, toCustomer(row), input, "replace");
  return save(
    ctx,
    row,
    {
      name: input.name,
      displayName: input.displayName ?? null,
      dateOfBirth: input.dateOfBirth ?? null,
      country: input.country ?? null,
      region: input.region ?? null,
      preferences: input.preferences ?? {},
    },
    actor,
    "customer.replaced",
  );
}

/** A JSON merge patch; the merged preferences are validated as a whole (a price range needs its currency). */
export async function patchCustomer(
  ctx: CustomersContext,
  id: string,
  patch: CustomerPatch,
  actor: Principal,
): Promise<Customer> {
  const row = await loadCustomerRow(ctx, id);
  if (!row) throw customerNotFound();
  const current = toCustomer(row);
  checkRules(ctx, current, patch, "patch");
  const merged =
    patch.preferences === undefined
      ? { value: current.preferences }
      : mergedPreferences(current.preferences, patch.preferences);
  if (merged.errors) throw invalidFields(merged.errors);
  const pick = <T>(value: T | null | undefined, old: T | null) => (value === undefined ? old : value);
  const country = pick(patch.country, current.country);
  return save(
    ctx,
    row,
    {
      name: patch.name ?? current.name,
      displayName: pick(patch.displayName, current.displayName),
      dateOfBirth: pick(patch.dateOfBirth, current.dateOfBirth),
      country,
      region: patchedRegion(country, pick(patch.region, current.region)),
      preferences: merged.value,
    },
    actor,
    "customer.updated",
  );
}
