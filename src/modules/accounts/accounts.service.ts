import { and, eq, isNull, type SQL } from "drizzle-orm";
import { batchedLoader } from "../../db/coalesce.ts";
import { isUniqueViolation } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { readRows } from "../../db/kept-read.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { readCache } from "../../db/read-cache.ts";
import { type AccountRow, accounts, customers, type Role, refreshTokens } from "../../db/schema/accounts.ts";
import { canonicalEmail } from "../../db/schema/email-canonical.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import type { Principal } from "../../http/auth.ts";
import { TokenError, type VerifiedToken } from "../../http/tokens.ts";
import type { AuditEntry, AuditService } from "../audit/audit.service.ts";
import type { Account, AccountPatch, NewStaffAccount } from "./accounts.schemas.ts";

/**
 * How long the caller behind a token is remembered. A disable or role change made through this service
 * drops its entries at once; one made by another process (or another service instance) is seen at most
 * this late, and a token's own expiry always counts.
 */
export const PRINCIPAL_CACHE_MS = 5_000;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

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

const emailTaken = () =>
  new DomainError("email-taken", "An account with this e-mail already exists.", {
    errors: [{ path: "email", message: "is already used by another account" }],
  });

/** `audit` is the audit log's service: account changes are recorded in the same batch as the change. */
export function createAccountsService(deps: Deps, audit: Pick<AuditService, "entry">) {
  const { db, clock } = deps;
  type Statement = Parameters<typeof db.batch>[0][number];
  const auditEntry = (e: AuditEntry): Statement => audit.entry(e);
  /** Token -> caller (bounded in size and time, see PRINCIPAL_CACHE_MS): every request needs its caller. */
  const principals = readCache<string, { principal: Principal; expiresAt: number }>({
    shareLoads: deps.sharedReads ?? false,
    ttlMs: PRINCIPAL_CACHE_MS,
    maxEntries: 10_000,
  });
  const forgetPrincipalsOf = (accountId: string) =>
    principals.deleteWhere((_, v) => v === undefined || v.principal.id === accountId);

  /**
   * Every account has a customer profile under the same id (staff have wishlists too). With `actorId`,
   * the creation is audited in the same atomic batch. A taken e-mail throws the database's own error;
   * callers that can say so more kindly check `isUniqueViolation(err, "accounts.email")`.
   */
  async function createAccount(
    input: {
      email: string;
      password?: string;
      role: Role;
      name?: string;
      externalSubject?: string;
      emailVerified?: boolean;
    },
    options: { actorId?: string } = {},
  ) {
    const now = clock.now().toISOString();
    const id = newId(input.role === "customer" ? "cus" : "usr");
    const email = normaliseEmail(input.email);
    const passwordHash = input.password ? await deps.passwords.hash(input.password) : null;
    const statements: [Statement, ...Statement[]] = [
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
        auditEntry({
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
  async function findByEmail(email: string) {
    return db.query.accounts.findFirst({ where: eq(accounts.emailCanonical, canonicalEmail(email)) });
  }

  async function findById(id: string) {
    return db.query.accounts.findFirst({ where: eq(accounts.id, id) });
  }

  /** The account as admins see it (with its profile name), or undefined. */
  async function getAccount(id: string): Promise<Account | undefined> {
    const [row] = await db
      .select({ account: accounts, name: customers.name })
      .from(accounts)
      .leftJoin(customers, eq(customers.id, accounts.id))
      .where(eq(accounts.id, id));
    return row ? toAccount(row.account, row.name) : undefined;
  }

  /** Newest first, optionally of one role, one page at a time. */
  async function listAccounts(query: { role?: Role; limit: number; cursor?: string }) {
    const conditions: SQL[] = [];
    if (query.role) conditions.push(eq(accounts.role, query.role));
    if (query.cursor) conditions.push(afterCursor(NEWEST, decodeCursor(NEWEST, query.cursor)));
    return page(
      NEWEST,
      query.limit,
      async (limit) => {
        const rows = await db
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

  /** An admin adds a staff member or another admin; the e-mail must be free (409 otherwise). */
  async function createStaffAccount(input: NewStaffAccount, actor: Principal): Promise<Account> {
    if (await findByEmail(input.email)) throw emailTaken();
    try {
      const created = await createAccount(input, { actorId: actor.id });
      return (await getAccount(created.id))!;
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
  async function updateAccount(id: string, patch: AccountPatch, actor: Principal): Promise<Account> {
    const current = await findById(id);
    if (!current) throw new DomainError("not-found", `Account ${id} was not found.`);
    if (id === actor.id && ((patch.role && patch.role !== current.role) || patch.disabled === true)) {
      throw new DomainError(
        "self-demotion",
        "Admins cannot demote or disable themselves: ask another admin.",
      );
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (patch.role !== undefined && patch.role !== current.role) {
      changes.role = { from: current.role, to: patch.role };
    }
    if (patch.disabled !== undefined && patch.disabled !== current.disabled) {
      changes.disabled = { from: current.disabled, to: patch.disabled };
    }
    if (Object.keys(changes).length === 0) return (await getAccount(id))!;

    const now = clock.now().toISOString();
    const statements: [Statement, ...Statement[]] = [
      db
        .update(accounts)
        .set({
          role: patch.role ?? current.role,
          disabled: patch.disabled ?? current.disabled,
          updatedAt: now,
        })
        .where(eq(accounts.id, id)),
      auditEntry({ actorId: actor.id, action: "account.updated", subject: id, detail: changes }),
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
    forgetPrincipalsOf(id);
    return (await getAccount(id))!;
  }

  /**
   * Turns a verified token into the caller. Our own tokens name the account; an OIDC provider's name its
   * subject, which gets (once) an account of its own so orders and wishlists have an owner. The role of
   * an OIDC caller comes from the provider's claim on each token, not from the account.
   */
  // Plain SQL, only the four fields a caller needs, and one query for every new token that arrives at once
  // (a drop's buyers): this runs for every new token a request brings.
  const tokenAccounts = batchedLoader(
    async (ids: string[]) => {
      const rows = await readRows(
        deps.client,
        "SELECT id, role, email, disabled, token_generation FROM accounts WHERE id IN (SELECT value FROM json_each(?))",
        [JSON.stringify(ids)],
      );
      return new Map(
        rows.map(([id, role, email, disabled, generation]) => [
          String(id),
          {
            id: String(id),
            role: String(role) as Role,
            email: String(email),
            disabled: Boolean(Number(disabled)),
            generation: Number(generation ?? 0),
          },
        ]),
      );
    },
    { shared: deps.sharedReads ?? false },
  );

  async function principalFor(token: VerifiedToken): Promise<Principal> {
    if (token.source === "local") {
      const account = await tokenAccounts.load(token.subject);
      // A TokenError becomes the 401 with WWW-Authenticate, like any other unusable token.
      if (!account || account.disabled)
        throw new TokenError("The token's account is disabled or no longer exists.");
      if ((token.generation ?? 0) < account.generation) {
        throw new TokenError(
          "The token's sessions were ended (signed out everywhere, or the password changed): sign in again.",
        );
      }
      return { id: account.id, role: account.role, email: account.email };
    }
    const subject = `oidc:${token.subject}`;
    const account = (await findExternal(subject)) ?? (await createExternal(subject, token));
    if (account.disabled) throw new TokenError("The token's account is disabled.");
    return { id: account.id, role: token.role, email: account.email };
  }

  /**
   * The caller behind a bearer token: `verify` checks it, `principalFor` finds its account, and the answer
   * is kept a few seconds (PRINCIPAL_CACHE_MS), so a client's burst of requests costs one verification and
   * one account read. The same token string verified before needs no new signature check; its expiry is
   * checked on every use against the app's clock.
   */
  async function principalForToken(
    token: string,
    verify: (token: string) => Promise<VerifiedToken>,
  ): Promise<Principal> {
    const known = await principals.get(token, async () => {
      const verified = await verify(token);
      return { principal: await principalFor(verified), expiresAt: verified.expiresAt };
    });
    if (known.expiresAt * 1000 <= clock.now().getTime()) {
      principals.delete(token);
      // Verified afresh: says that it expired (or, with a skewed clock, answers like an uncached read).
      return principalFor(await verify(token));
    }
    return { ...known.principal };
  }

  const findExternal = (subject: string) =>
    db.query.accounts.findFirst({ where: eq(accounts.externalSubject, subject) });

  /**
   * The provider's e-mail is used only when no account has it yet: a provider is never allowed to take
   * over a local account by claiming its address. Two first requests at once both try to create; the
   * loser finds the winner's account.
   */
  async function createExternal(subject: string, token: VerifiedToken): Promise<AccountRow> {
    const placeholder = `${token.subject}@oidc.invalid`;
    const email = token.email && !(await findByEmail(token.email)) ? token.email : placeholder;
    try {
      await createAccount({ email, role: "customer", externalSubject: subject });
    } catch (err) {
      if (isUniqueViolation(err, "accounts.email") && email !== placeholder) {
        try {
          await createAccount({ email: placeholder, role: "customer", externalSubject: subject });
        } catch (again) {
          if (!isUniqueViolation(again, "accounts.")) throw again;
        }
      } else if (!isUniqueViolation(err, "accounts.")) {
        throw err;
      }
    }
    const created = await findExternal(subject);
    if (!created) throw new TokenError("The token's subject could not be given an account.");
    return created;
  }

  /** Makes sure the configured admin exists with the configured password (kept in step at each start). */
  async function ensureAdmin(email: string, password: string) {
    const existing = await findByEmail(email);
    // The operator wrote the address into the configuration: as good as verified.
    if (!existing) {
      return createAccount({ email, password, role: "admin", name: "Administrator", emailVerified: true });
    }
    const passwordHash = await deps.passwords.hash(password);
    await db
      .update(accounts)
      .set({
        role: "admin",
        passwordHash,
        disabled: false,
        emailVerified: true,
        updatedAt: clock.now().toISOString(),
      })
      .where(eq(accounts.id, existing.id));
    forgetPrincipalsOf(existing.id);
    return { id: existing.id, email: existing.email, role: "admin" as const };
  }

  return {
    createAccount,
    createStaffAccount,
    ensureAdmin,
    /**
     * Call after changing an account's credentials, e-mail or token generation behind this service's back
     * (auth's lifecycle, erasure): the callers remembered for its tokens are dropped, so the change applies
     * to the next request here (other processes: within PRINCIPAL_CACHE_MS).
     */
    forgetCachedCallers: forgetPrincipalsOf,
    findByEmail,
    findById,
    getAccount,
    listAccounts,
    principalFor,
    principalForToken,
    updateAccount,
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
