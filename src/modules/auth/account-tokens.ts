import { and, eq, exists, gt, isNull, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { newId } from "../../db/ids.ts";
import { bytesToBase64Url } from "../../db/keyset.ts";
import { type AccountTokenPurpose, type AccountTokenRow, accountTokens } from "../../db/schema/accounts.ts";
import type { Deps } from "../../deps.ts";
import { sha256Hex } from "../../digest.ts";
import { DomainError } from "../../domain-error.ts";

/**
 * The single-use tokens that e-mailed links carry (verify an address, confirm a new one, reset a password).
 * Like refresh tokens: 256 random bits, so only a plain SHA-256 is stored and a copy of the database yields
 * no usable link. Using one is guarded in the same atomic batch as the change it allows (`stillUsable`),
 * so of two requests racing with one token exactly one changes anything.
 */

export type IssuedAccountToken = { token: string; expiresAt: string };

const randomToken = () => `et_${bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;

/** Issues a token for `email`; older unused tokens of the same purpose stop working (only the newest link does). */
export async function issueAccountToken(
  deps: Deps,
  input: { accountId: string; purpose: AccountTokenPurpose; email: string; ttlSeconds: number },
): Promise<IssuedAccountToken> {
  const { db, clock } = deps;
  const now = clock.now();
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + input.ttlSeconds * 1000).toISOString();
  await db.batch([
    db
      .update(accountTokens)
      .set({ usedAt: now.toISOString() })
      .where(
        and(
          eq(accountTokens.accountId, input.accountId),
          eq(accountTokens.purpose, input.purpose),
          isNull(accountTokens.usedAt),
        ),
      ),
    db.insert(accountTokens).values({
      id: newId("atk"),
      tokenHash: await sha256Hex(token),
      accountId: input.accountId,
      purpose: input.purpose,
      email: input.email,
      expiresAt,
      createdAt: now.toISOString(),
    }),
  ]);
  return { token, expiresAt };
}

const refused = (detail: string) => new DomainError("invalid-email-token", detail);

/**
 * The token's row when it is one of `purposes` and may still be used; otherwise a problem that says why
 * (whoever holds a token may learn that it expired or was used; nobody learns anything from a guess).
 */
export async function usableAccountToken(
  deps: Deps,
  token: string,
  purposes: readonly AccountTokenPurpose[],
): Promise<AccountTokenRow> {
  const row = await deps.db.query.accountTokens.findFirst({
    where: eq(accountTokens.tokenHash, await sha256Hex(token)),
  });
  if (!row || !purposes.includes(row.purpose)) throw refused("This link is not valid.");
  if (row.usedAt) {
    throw refused("This link was already used, or a newer one was sent since: use the newest, or ask again.");
  }
  if (row.expiresAt <= deps.clock.now().toISOString()) {
    throw refused("This link has expired: ask for a new one.");
  }
  return row;
}

/** A condition for each statement of the batch a token allows: the token is still unused and unexpired. */
export function stillUsable(db: Database, row: AccountTokenRow, nowIso: string): SQL {
  return exists(
    db
      .select({ id: accountTokens.id })
      .from(accountTokens)
      .where(
        and(eq(accountTokens.id, row.id), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, nowIso)),
      ),
  );
}

/**
 * The batch's last statement: uses the token up. Its `rowsAffected` says whether this batch was the one
 * that used it (0: another request did first, and the statements before it changed nothing either).
 */
export function useUp(db: Database, row: AccountTokenRow, nowIso: string) {
  return db
    .update(accountTokens)
    .set({ usedAt: nowIso })
    .where(
      and(eq(accountTokens.id, row.id), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, nowIso)),
    );
}

export const tokenRaceLost = () =>
  refused("This link was used by another request a moment ago: use the newest, or ask again.");
