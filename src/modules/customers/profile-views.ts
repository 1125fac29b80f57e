/** A customer's profile as the API shows it: the customer row beside its account's e-mail. */
import { eq } from "drizzle-orm";
import { accounts, customers } from "../../db/schema/accounts.ts";
import { DomainError } from "../../domain-error.ts";
import { regionCodeIn } from "../../http/region-code.ts";
import type { CustomersContext } from "./customers.context.ts";
import type { Customer, Preferences } from "./customers.schemas.ts";

export const customerNotFound = () => new DomainError("not-found", "Customer was not found.");

/**
 * Profiles written before regions were ISO 3166-2 codes may hold a name ("Scotland"): the row keeps it, the
 * API reads it as no region (never a value the field's contract does not allow), and the next write replaces it.
 */
const storedRegion = (country: string | null, region: string | null) =>
  region === null ? null : (regionCodeIn(country, region).code ?? null);

export async function loadCustomerRow({ deps: { db } }: CustomersContext, id: string) {
  const [row] = await db
    .select({ customer: customers, email: accounts.email, emailVerified: accounts.emailVerified })
    .from(customers)
    .innerJoin(accounts, eq(accounts.id, customers.id))
    .where(eq(customers.id, id));
  return row;
}

export type CustomerRow = NonNullable<Awaited<ReturnType<typeof loadCustomerRow>>>;

export const toCustomer = (row: CustomerRow): Customer => ({
  id: row.customer.id,
  email: row.email,
  emailVerified: row.emailVerified,
  name: row.customer.name,
  displayName: row.customer.displayName,
  dateOfBirth: row.customer.dateOfBirth,
  country: row.customer.country,
  region: storedRegion(row.customer.country, row.customer.region),
  preferences: row.customer.preferences as Preferences,
  createdAt: row.customer.createdAt,
  updatedAt: row.customer.updatedAt,
});

export async function getCustomer(ctx: CustomersContext, id: string): Promise<Customer | undefined> {
  const row = await loadCustomerRow(ctx, id);
  return row ? toCustomer(row) : undefined;
}

export async function customerExists({ deps: { db } }: CustomersContext, id: string): Promise<boolean> {
  return Boolean(await db.query.customers.findFirst({ columns: { id: true }, where: eq(customers.id, id) }));
}

export async function requireCustomer(ctx: CustomersContext, id: string): Promise<void> {
  if (!(await customerExists(ctx, id))) throw customerNotFound();
}
