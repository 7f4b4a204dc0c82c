import { v7 as uuidv7 } from 'uuid';
import { ApiError } from '../http/errors';
import { hashPassword } from './passwords';
import type { ServerContext } from '../context';
import type { Role } from '../db/schema';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
export { isUniqueViolation };

/** Creates a user and their (empty) wallet in one transaction. */
export async function createUser(
  ctx: ServerContext,
  input: { email: string; password: string; role: Role },
): Promise<{ id: string; email: string; role: Role }> {
  const email = normaliseEmail(input.email);
  const passwordHash = await hashPassword(input.password, ctx.config);
  const id = uuidv7();
  try {
    await ctx.store.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('users')
        .values({ id, email, password_hash: passwordHash, role: input.role, created_at: ctx.clock.nowMs() })
        .execute();
      await tx.insertInto('wallets').values({ user_id: id, balance: 0, reserved: 0, version: 0 }).execute();
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError(409, 'email_taken', 'an account with this email exists');
    throw error;
  }
  return { id, email, role: input.role };
}

export async function findUserByEmail(ctx: ServerContext, email: string) {
  return ctx.store.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', normaliseEmail(email))
    .executeTakeFirst();
}

/** Artist profiles the user holds the rights of. */
export async function artistsOf(
  ctx: ServerContext,
  userId: string,
): Promise<Array<{ id: string; name: string }>> {
  return ctx.store.db
    .selectFrom('artist_rightsholders')
    .innerJoin('artists', 'artists.id', 'artist_rightsholders.artist_id')
    .select(['artists.id', 'artists.name'])
    .where('artist_rightsholders.user_id', '=', userId)
    .orderBy('artists.name')
    .execute();
}
