/** Accounts as admins see them: one, or a page of them. */
import { and, eq, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type AccountRow, accounts, customers, type Role } from "../../db/schema/accounts.ts";
import type { AccountsContext } from "./accounts.context.ts";
import type { Account } from "./accounts.schemas.ts";

type ListedRow = AccountRow & { name: string | null };

const NEWEST: Sort<ListedRow> = {
  name: "accounts_newest",
  keys: [
    { column: accounts.createdAt, direction: "desc", value: (r) => r.createdAt },
    { column: accounts.id, direction: "desc", value: (r) => r.id },
  ],
};

export function toAccount(row: AccountRow, name: string | null | undefined): Account {
  return {
    id: row.id,
    email: row.email,
    name: name ?? "",
    role: row.role,
    emailVerified: row.emailVerified,
    disabled: row.disabled,
    signIn: row.passwordHash ? "password" : row.externalSubject ? "oidc" : "token-only",
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The account as admins see it (with its profile name), or undefined. */
export async function getAccount({ deps }: AccountsContext, id: string): Promise<Account | undefined> {
  const [row] = await deps.db
    .select({ account: accounts, name: customers.name })
    .from(accounts)
    .leftJoin(customers, eq(customers.id, accounts.id))
    .where(eq(accounts.id, id));
  return row ? toAccount(row.account, row.name) : undefined;
}

/** Newest first, optionally of one role, one page at a time. */
export async function listAccounts(
  { deps }: AccountsContext,
  query: { role?: Role; limit: number; cursor?: string },
) {
  const conditions: SQL[] = [];
  if (query.role) conditions.push(eq(accounts.role, query.role));
  if (query.cursor) conditions.push(afterCursor(NEWEST, decodeCursor(NEWEST, query.cursor)));
  return page(
    NEWEST,
    query.limit,
    async (limit) => {
      const rows = await deps.db
        .select({ account: accounts, name: customers.name })
        .from(accounts)
        .leftJoin(customers, eq(customers.id, accounts.id))
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(...orderByOf(NEWEST))
        .limit(limit);
      return rows.map((r) => ({ ...r.account, name: r.name }));
    },
    (row) => toAccount(row, row.name),
  );
}
