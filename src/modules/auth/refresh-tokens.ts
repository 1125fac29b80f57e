import { and, eq, isNull, lt } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { bytesToBase64Url } from "../../db/keyset.ts";
import { refreshTokens } from "../../db/schema/accounts.ts";
import type { Deps } from "../../deps.ts";

export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
export type IssuedRefreshToken = { token: string; expiresAt: string; familyId: string };

/** 32 random bytes, base64url, with a prefix that secret scanners and people can recognise. */
function randomToken(): string {
  return `rt_${bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * Only the SHA-256 of a refresh token is stored: the token has 256 random bits, so a plain fast hash is
 * enough (no salt or slow hash needed), and a copy of the database yields no usable token.
 */
export async function hashRefreshToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Refresh tokens in families: a login starts a family, each refresh rotates the token within it. A
 * rotated or revoked token that comes back means someone else holds a copy, and the caller revokes
 * the family.
 */
export function createRefreshTokenStore(deps: Deps) {
  const { db, client, clock } = deps;
  const expiry = (from: Date) =>
    new Date(from.getTime() + deps.config.REFRESH_TOKEN_TTL * 1000).toISOString();

  async function issue(accountId: string, familyId = newId("rtf")): Promise<IssuedRefreshToken> {
    const now = clock.now();
    const token = randomToken();
    const expiresAt = expiry(now);
    await db.insert(refreshTokens).values({
      id: newId("rt"),
      tokenHash: await hashRefreshToken(token),
      accountId,
      familyId,
      expiresAt,
      createdAt: now.toISOString(),
    });
    return { token, expiresAt, familyId };
  }

  async function find(token: string): Promise<RefreshTokenRow | undefined> {
    return db.query.refreshTokens.findFirst({
      where: eq(refreshTokens.tokenHash, await hashRefreshToken(token)),
    });
  }

  /**
   * Marks `row` rotated and stores its successor, in one atomic batch guarded on the row still being
   * live: of two refreshes racing with one token, exactly one gets a successor; the other gets
   * undefined and must treat it as reuse.
   */
  async function rotate(row: RefreshTokenRow): Promise<IssuedRefreshToken | undefined> {
    const now = clock.now();
    const token = randomToken();
    const expiresAt = expiry(now);
    const [, inserted] = await client.batch(
      [
        {
          sql: "UPDATE refresh_tokens SET rotated_at = ? WHERE id = ? AND rotated_at IS NULL AND revoked_at IS NULL",
          args: [now.toISOString(), row.id],
        },
        {
          sql: `INSERT INTO refresh_tokens (id, token_hash, account_id, family_id, expires_at, created_at)
                SELECT ?, ?, ?, ?, ?, ? WHERE changes() = 1`,
          args: [
            newId("rt"),
            await hashRefreshToken(token),
            row.accountId,
            row.familyId,
            expiresAt,
            now.toISOString(),
          ],
        },
      ],
      "write",
    );
    return inserted?.rowsAffected === 1 ? { token, expiresAt, familyId: row.familyId } : undefined;
  }

  /** Ends a session: every token of the family stops working. Revoking twice changes nothing more. */
  async function revokeFamily(familyId: string): Promise<void> {
    await db
      .update(refreshTokens)
      .set({ revokedAt: clock.now().toISOString() })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }

  /** Forgets the account's tokens that expired (they prove nothing any more), so rows do not pile up. */
  async function pruneExpired(accountId: string): Promise<void> {
    await db
      .delete(refreshTokens)
      .where(
        and(eq(refreshTokens.accountId, accountId), lt(refreshTokens.expiresAt, clock.now().toISOString())),
      );
  }

  return { issue, find, rotate, revokeFamily, pruneExpired };
}

export type RefreshTokenStore = ReturnType<typeof createRefreshTokenStore>;
