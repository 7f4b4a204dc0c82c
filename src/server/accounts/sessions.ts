import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../http/errors';
import type { ServerContext } from '../context';
import type { Role } from '../db/schema';

export interface AuthenticatedUser {
  id: string;
  email: string;
  role: Role;
  /** SHA-256 of the session token in use (for sign-out). */
  sessionHash: string;
}

/** Session tokens are 32 random bytes; only their SHA-256 is stored, so a leaked table grants nothing. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function createSession(
  ctx: ServerContext,
  userId: string,
): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.nowMs();
  const expiresAt = now + ctx.config.sessionTtlMs;
  await ctx.store.db
    .insertInto('sessions')
    .values({
      token_hash: sha256Hex(token),
      user_id: userId,
      created_at: now,
      expires_at: expiresAt,
      signed_out_at: null,
    })
    .execute();
  return { token, expiresAt };
}

export async function endSession(ctx: ServerContext, sessionHash: string): Promise<void> {
  await ctx.store.db
    .updateTable('sessions')
    .set({ signed_out_at: ctx.clock.nowMs() })
    .where('token_hash', '=', sessionHash)
    .where('signed_out_at', 'is', null)
    .execute();
}

const unauthenticated = (why: string) => new ApiError(401, 'unauthenticated', why);

/** Resolves `Authorization: Bearer <token>` to a live session's user, or answers 401. */
export async function authenticate(
  ctx: ServerContext,
  header: string | undefined,
): Promise<AuthenticatedUser> {
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
  if (!match) throw unauthenticated('missing or malformed bearer token');
  const sessionHash = sha256Hex(match[1]!);
  const row = await ctx.store.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email', 'users.role', 'sessions.expires_at', 'sessions.signed_out_at'])
    .where('sessions.token_hash', '=', sessionHash)
    .executeTakeFirst();
  if (!row || row.signed_out_at !== null) throw unauthenticated('unknown or signed-out session');
  if (row.expires_at <= ctx.clock.nowMs()) throw unauthenticated('session expired');
  return { id: row.id, email: row.email, role: row.role, sessionHash };
}
